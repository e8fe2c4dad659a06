import { Flags } from '@oclif/core';
import { airflowLogs, airflowStatus, type AirflowStatus } from '../../lib/airflow/status.js';
import { AIRFLOW_PROCESSES } from '../../lib/airflow/settings.js';
import { BaseCommand } from '../../lib/base-command.js';
import { stateDirFlag } from '../../lib/config/flags.js';
import { resolveStackConfig } from '../../lib/config/stack-config.js';
import { renderAirflowStatus } from '../../lib/render/airflow.js';

export default class AirflowStatusCommand extends BaseCommand {
  static override summary =
    "Show Airflow's processes (memory, CPU seconds), UI address, DAGs and import errors";

  static override examples = [
    '<%= config.bin %> airflow status',
    '<%= config.bin %> airflow status --json',
    '<%= config.bin %> airflow status --logs scheduler',
  ];

  static override flags = {
    'state-dir': stateDirFlag,
    logs: Flags.option({
      description: 'Print the last lines a process logged instead',
      options: AIRFLOW_PROCESSES,
    })(),
    lines: Flags.integer({
      description: 'Lines to print with --logs [default: 40]',
      min: 1,
      dependsOn: ['logs'],
    }),
  };

  async run(): Promise<AirflowStatus | { process: string; log: string }> {
    const { flags } = await this.parse(AirflowStatusCommand);
    const { stateDir } = resolveStackConfig({ 'state-dir': flags['state-dir'] });
    if (flags.logs !== undefined) {
      const log = airflowLogs(stateDir, flags.logs, flags.lines ?? 40);
      this.log(log);
      return { process: flags.logs, log };
    }
    const status = await airflowStatus(stateDir);
    this.log(renderAirflowStatus(status));
    return status;
  }
}
