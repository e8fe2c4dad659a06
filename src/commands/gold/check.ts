import path from 'node:path';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../lib/base-command.js';
import { recheckGold, type GoldRecheck } from '../../lib/bench/gold-recheck.js';
import { stateDirFlag } from '../../lib/config/flags.js';
import { resolveStackConfig } from '../../lib/config/stack-config.js';
import { EXIT } from '../../lib/errors.js';
import { renderGoldRecheck } from '../../lib/render/gold.js';

export default class GoldCheck extends BaseCommand {
  static override summary =
    "Check a past run's gold again: the run's events against the gold tables as they are now";

  static override description = `Reads the run's events back from the stack's Kafka topic (the truth) and every producer's gold rows of the run as its tables hold them now: Spark and Flink when the run had gold on, Airflow when the run triggered its DAG (--gold-airflow) or Airflow's schedule wrote rows of it. Same verdict as after a run: windows right, wrong (first differing field), missing, extra; late events; freshness. Exits 7 when a producer has a wrong, missing or extra window. Needs the stack the run was made on, before \`down --volumes\` or Kafka's retention removes the run's events.`;

  static override examples = [
    '<%= config.bin %> gold check 20261201-090338-dif0',
    '<%= config.bin %> gold check 20261201-090338-dif0 --json',
  ];

  static override args = {
    run: Args.string({ description: 'Run id (a folder of --results-dir)', required: true }),
  };

  static override flags = {
    'state-dir': stateDirFlag,
    'results-dir': Flags.string({ description: 'Where results are saved', default: 'results' }),
  };

  async run(): Promise<GoldRecheck> {
    const { args, flags } = await this.parse(GoldCheck);
    const { stateDir } = resolveStackConfig({ 'state-dir': flags['state-dir'] });
    const result = await recheckGold({
      resultsDir: path.resolve(flags['results-dir']),
      stateDir,
      runId: args.run,
    });
    this.log(renderGoldRecheck(result));
    if (result.reasons.length > 0) process.exitCode = EXIT.incompleteRun;
    return result;
  }
}
