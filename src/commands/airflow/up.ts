import path from 'node:path';
import { Flags } from '@oclif/core';
import { upAirflow, type AirflowUpResult } from '../../lib/airflow/up.js';
import { AIRFLOW_DAGS, AIRFLOW_PORT_OFFSET, type AirflowDagName } from '../../lib/airflow/settings.js';
import { BaseCommand } from '../../lib/base-command.js';
import { durationFlag, portFlag, stateDirFlag } from '../../lib/config/flags.js';
import { resolveStackConfig } from '../../lib/config/stack-config.js';
import { renderAirflowStatus } from '../../lib/render/airflow.js';

export default class AirflowUp extends BaseCommand {
  static override summary = 'Start Airflow (scheduler, DAG processor, API server/UI) for the running stack';

  static override description = `Installs Airflow from PyPI into a cached virtual environment on first use (pinned by airflow/constraints.txt), keeps its metadata in an "airflow" database of the stack's PostgreSQL, and starts its DAG processor, scheduler (LocalExecutor) and API server on 127.0.0.1. Its DAGs, crypto_bench_gold and crypto_bench_nightly, start paused, so Airflow runs nothing during a measured window unless asked (--unpause, or \`crypto-bench airflow trigger\`). The stack must be up; \`crypto-bench down\` stops Airflow too.`;

  static override examples = [
    '<%= config.bin %> airflow up',
    '<%= config.bin %> airflow up --unpause gold',
    '<%= config.bin %> airflow up --api-port 8080 --dags-folder ./my-dags',
  ];

  static override flags = {
    'state-dir': stateDirFlag,
    'api-port': portFlag(
      `Airflow API server and UI port; the log servers take the next two [default: the stack's port base + ${AIRFLOW_PORT_OFFSET}]`,
    ),
    unpause: Flags.option({
      description: 'Unpause these DAGs, so their schedule runs (every 10 minutes / nightly)',
      options: Object.keys(AIRFLOW_DAGS) as AirflowDagName[],
      multiple: true,
      delimiter: ',',
    })(),
    'dags-folder': Flags.directory({ description: 'Also load your own DAGs from this folder', exists: true }),
    'results-dir': Flags.string({
      description: "Where the nightly DAG's runs are saved",
      default: 'results',
    }),
    timeout: durationFlag({
      description: 'How long to wait for Airflow to be up with its DAGs loaded',
      default: 300_000,
      bareUnit: 's',
      minMs: 1000,
    }),
  };

  async run(): Promise<AirflowUpResult> {
    const { flags } = await this.parse(AirflowUp);
    const { stateDir } = resolveStackConfig({ 'state-dir': flags['state-dir'] });
    const result = await upAirflow(
      {
        stateDir,
        apiPort: flags['api-port'],
        unpause: flags.unpause ?? [],
        extraDagsFolder: flags['dags-folder'],
        resultsDir: path.resolve(flags['results-dir']),
        timeoutMs: flags.timeout,
      },
      this.progress(),
    );
    if (result.alreadyRunning) this.log('Airflow was already running.');
    else
      this.log(
        `Airflow up in ${(result.upMs / 1000).toFixed(1)} s${result.installMs === undefined ? '' : ` (install ${(result.installMs / 1000).toFixed(0)} s)`}.`,
      );
    this.log(renderAirflowStatus(result));
    return result;
  }
}
