import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/base-command.js';
import { stateDirFlag } from '../lib/config/flags.js';
import { resolveStackConfig } from '../lib/config/stack-config.js';
import { renderStatus } from '../lib/render/stack.js';
import { serviceLogs, stackStatus } from '../lib/runtime/stack.js';
import type { StackStatus } from '../lib/runtime/types.js';

export default class Status extends BaseCommand {
  static override summary = 'Show each service: pid or container, port, health, version, memory and log';

  static override examples = [
    '<%= config.bin %> status',
    '<%= config.bin %> status --json',
    '<%= config.bin %> status --logs flink',
    '<%= config.bin %> status --logs spark-worker --lines 200',
  ];

  static override flags = {
    'state-dir': stateDirFlag,
    logs: Flags.string({
      description:
        'Print the last lines a service logged instead: postgres, kafka, spark, flink, baseline, or one container of a cluster (spark-master, spark-worker, flink-jobmanager, flink-taskmanager)',
      helpValue: '<service>',
    }),
    lines: Flags.integer({
      description: 'Lines to print with --logs [default: 40]',
      min: 1,
      dependsOn: ['logs'],
    }),
  };

  async run(): Promise<StackStatus | { service: string; log: string }> {
    const { flags } = await this.parse(Status);
    const { stateDir } = resolveStackConfig({ 'state-dir': flags['state-dir'] });
    if (flags.logs !== undefined) {
      const log = await serviceLogs(stateDir, flags.logs, flags.lines ?? 40);
      this.log(log);
      return { service: flags.logs, log };
    }
    const status = await stackStatus(stateDir);
    this.log(renderStatus(status));
    return status;
  }
}
