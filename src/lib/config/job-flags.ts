import { Flags } from '@oclif/core';
import {
  DEFAULTS,
  DELIVERY_GUARANTEES,
  STATE_BACKENDS,
  type DeliveryGuarantee,
  type StateBackend,
} from './defaults.js';
import { durationFlag, orFail } from './flags.js';
import {
  parseParallelism,
  parseTriggerList,
  type Item,
  type Parallelism,
  type SparkTrigger,
} from './lists.js';
import { assertJobSettings, type JobSettings } from './stack-config.js';
import { formatDurationMs } from './units.js';

/**
 * One value of each job setting, for `up`, `run` and `compose` (`sweep` takes lists of the same names). A
 * setting not given leaves the running stack's value alone, so `up --trigger 5s` followed by `run` measures
 * trigger 5s; a stack that is not running yet starts with the defaults for what is not given.
 */
export const jobFlags = {
  trigger: Flags.custom<SparkTrigger>({
    description: `Spark's trigger: 0 (as fast as possible), an interval like 5s, or realtime (Real-Time Mode) [default: ${DEFAULTS.sparkTriggerMs}]`,
    helpValue: '<trigger>',
    parse: async (input) => orFail('trigger', parseTrigger(input)).value,
  })(),
  'buffer-timeout': durationFlag({
    description: `Flink's network buffer timeout; 0 flushes every record [default: ${formatDurationMs(DEFAULTS.flinkBufferTimeoutMs)}]`,
    bareUnit: 'ms',
    minMs: 0,
  }),
  'flink-batch-size': Flags.integer({
    description: `Rows per JDBC batch of Flink's sink [default: ${DEFAULTS.flinkBatchSize}]`,
    min: 1,
  }),
  'flink-batch-interval': durationFlag({
    description: `Longest a row waits in Flink's JDBC batch; 0 = no timed flush [default: ${formatDurationMs(DEFAULTS.flinkBatchIntervalMs)}]`,
    bareUnit: 'ms',
    minMs: 0,
  }),
  'baseline-batch-size': Flags.integer({
    description: `Rows per JDBC batch of the baseline consumer [default: ${DEFAULTS.baselineBatchSize}]`,
    min: 1,
  }),
  delivery: Flags.option({
    description: `Delivery guarantee of every job: Flink commits its sink with its checkpoints, Spark makes each micro-batch idempotent by batch id, the baseline commits its offsets with its rows (not with --trigger realtime) [default: ${DEFAULTS.delivery}]`,
    options: DELIVERY_GUARANTEES,
  })(),
  'checkpoint-interval': durationFlag({
    description: `Flink's checkpoint interval (offsets, and under exactly-once the rows, commit with it); Spark commits every micro-batch, so its trigger plays this part [default: ${formatDurationMs(DEFAULTS.flinkCheckpointIntervalMs)}]`,
    bareUnit: 'ms',
    minMs: 10,
  }),
  'state-backend': Flags.option({
    description: `State of the gold windows: hashmap (JVM heap; Spark's default state store) or rocksdb (Flink's RocksDB backend, Spark's RocksDB state store provider) [default: ${DEFAULTS.stateBackend}]`,
    options: STATE_BACKENDS,
  })(),
  parallelism: Flags.custom<Partial<Parallelism>>({
    description:
      "Parallelism per engine, e.g. spark=2,flink=2,baseline=2: Flink's job parallelism, Spark's executors (local: threads) and shuffle partitions, the baseline's consumer threads [default: 1 each]",
    helpValue: '<list>',
    parse: async (input) => orFail('parallelism', parseParallelism(input)),
  })(),
};

/** Values of {@link jobFlags} (and `--[no-]gold`) as parsed; undefined = not given. */
export interface JobFlagValues {
  trigger?: SparkTrigger;
  'buffer-timeout'?: number;
  'flink-batch-size'?: number;
  'flink-batch-interval'?: number;
  'baseline-batch-size'?: number;
  delivery?: DeliveryGuarantee;
  'checkpoint-interval'?: number;
  'state-backend'?: StateBackend;
  parallelism?: Partial<Parallelism>;
  gold?: boolean;
}

/** One trigger: `0`, `5s`, `500ms` or `realtime` (wrapped: `realtime` is a string, a message is too). */
export function parseTrigger(text: string): Item<SparkTrigger> {
  const parsed = parseTriggerList(text);
  if (typeof parsed === 'string') return parsed;
  if (parsed.length !== 1) return `give one trigger here (a list of them is for \`sweep\`), not "${text}"`;
  return { value: parsed[0] as SparkTrigger };
}

/** The job settings the flags given change, and nothing else. */
export function jobOverrides(flags: JobFlagValues): Partial<JobSettings> {
  const overrides: Partial<JobSettings> = {};
  if (flags.trigger !== undefined) {
    Object.assign(
      overrides,
      flags.trigger === 'realtime'
        ? { sparkRealtime: true }
        : { sparkRealtime: false, sparkTriggerMs: flags.trigger },
    );
  }
  if (flags['buffer-timeout'] !== undefined) overrides.flinkBufferTimeoutMs = flags['buffer-timeout'];
  if (flags['flink-batch-size'] !== undefined) overrides.flinkBatchSize = flags['flink-batch-size'];
  if (flags['flink-batch-interval'] !== undefined)
    overrides.flinkBatchIntervalMs = flags['flink-batch-interval'];
  if (flags['baseline-batch-size'] !== undefined) overrides.baselineBatchSize = flags['baseline-batch-size'];
  if (flags.gold !== undefined) overrides.gold = flags.gold;
  // Only the engines named: mergeJobSettings keeps the others' parallelism.
  if (flags.parallelism !== undefined) overrides.parallelism = flags.parallelism as Parallelism;
  if (flags.delivery !== undefined) overrides.delivery = flags.delivery;
  if (flags['checkpoint-interval'] !== undefined)
    overrides.flinkCheckpointIntervalMs = flags['checkpoint-interval'];
  if (flags['state-backend'] !== undefined) overrides.stateBackend = flags['state-backend'];
  // Both given on one command line: refused here; a running stack's trigger is checked where it is known.
  assertJobSettings({
    sparkRealtime: overrides.sparkRealtime ?? false,
    delivery: overrides.delivery ?? DEFAULTS.delivery,
  });
  return overrides;
}
