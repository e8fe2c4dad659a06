import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/base-command.js';
import { plannedPartitions } from '../lib/bench/workload.js';
import { stackFlags } from '../lib/config/flags.js';
import { checkOutputDir } from '../lib/config/output-paths.js';
import { jobFlags, jobOverrides } from '../lib/config/job-flags.js';
import { resolveStackConfig } from '../lib/config/stack-config.js';
import { formatDurationMs } from '../lib/config/units.js';
import { renderStatus } from '../lib/render/stack.js';
import { upStack } from '../lib/runtime/stack.js';
import { assertSettingsFit } from '../lib/bench/ensure-stack.js';
import type { UpResult } from '../lib/runtime/types.js';

export default class Up extends BaseCommand {
  static override summary =
    'Start Kafka, PostgreSQL and the Spark, Flink and baseline jobs, and wait until healthy';

  static override description = `Starts the embedded local stack as supervised child processes bound to 127.0.0.1: PostgreSQL (track_commit_timestamp on), a Kafka broker in KRaft mode with topic crypto_prices (--partitions, default 3; a topic that exists must have that many), and each engine's job. The first run builds the Java jobs with the Maven Wrapper (a few minutes: it downloads Spark, Flink and Kafka). "Healthy" means every job has committed a probe event from every partition to its table. Running it again while the stack is up just prints the endpoints, after restarting the jobs whose settings (--trigger, --buffer-timeout, --flink-batch-size, --flink-batch-interval, --baseline-batch-size, --delivery, --checkpoint-interval, --state-backend, --[no-]gold) were given with another value; settings not given stay as the stack has them. With --runtime docker the same jars run in containers built from compose/ (Spark master + workers + driver, Flink JobManager + TaskManagers with the job submitted over REST; --taskmanagers and --spark-workers, default 1 each), on the stack's own bridge network or --network host.`;

  static override examples = [
    '<%= config.bin %> up',
    '<%= config.bin %> up --port-base 29092 --state-dir /var/tmp/cb',
    '<%= config.bin %> up --engines flink,baseline --json',
    '<%= config.bin %> up --partitions 6',
    '<%= config.bin %> up --trigger 5s --buffer-timeout 10ms --no-gold',
    '<%= config.bin %> up --delivery exactly-once --checkpoint-interval 5s --state-backend rocksdb',
    '<%= config.bin %> up --no-supervise                 # nothing restarts a crashed service',
    '<%= config.bin %> up --runtime docker --cpus spark=1,flink=1,baseline=1',
    '<%= config.bin %> up --runtime docker --network host --base-image debian:bookworm',
    '<%= config.bin %> up --runtime docker --taskmanagers 2 --spark-workers 2 --parallelism flink=2',
  ];

  static override flags = {
    ...stackFlags,
    ...jobFlags,
    // No default: on a running stack, supervision changes only when the flag is given.
    supervise: Flags.boolean({
      description:
        'Restart a service or job that exits unexpectedly, with backoff and a cap (local: a supervisor process; docker: restart policies) [default: on]',
      allowNo: true,
    }),
  };

  async run(): Promise<UpResult> {
    const { flags } = await this.parse(Up);
    const config = resolveStackConfig(flags);
    checkOutputDir('--state-dir', config.stateDir);
    plannedPartitions(config, flags.partitions);
    const overrides = jobOverrides(flags);
    assertSettingsFit(config, overrides);
    const result = await upStack(config, this.progress(), overrides, { supervise: flags.supervise });
    if (result.keptSettings) {
      this.logToStderr(
        `The running stack keeps its ${result.keptSettings.join(', ')}; run \`crypto-bench down\` first to change them.`,
      );
    }
    if (result.clearedStale.length > 0)
      this.logToStderr(`Cleared stale state of ${result.clearedStale.join(', ')}.`);
    this.log(
      result.alreadyRunning
        ? `The stack is already running${result.restartedJobs ? `; restarted ${result.restartedJobs.join(', ')} with the settings given` : ''}.`
        : `The stack is up (${formatDurationMs(result.upMs)}).`,
    );
    this.log(renderStatus(result));
    return result;
  }
}
