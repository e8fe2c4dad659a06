import { Flags } from '@oclif/core';
import { durationFlag, orFail } from './flags.js';
import {
  DELIVERY_GUARANTEES,
  STATE_BACKENDS,
  type DeliveryGuarantee,
  type StateBackend,
} from './defaults.js';
import {
  parseCountList,
  parseDurationList,
  parseOptionList,
  parseParallelismList,
  parseTriggerList,
  type ParallelismList,
  type SparkTrigger,
} from './lists.js';

const triggerList = Flags.custom<SparkTrigger[]>({
  description: 'Spark triggers to sweep: 0 (as fast as possible), intervals, realtime (Real-Time Mode)',
  helpValue: '<list>',
  parse: async (input) => orFail('trigger', parseTriggerList(input)),
});

const msList = (flag: string, description: string) =>
  Flags.custom<number[]>({
    description,
    helpValue: '<list>',
    parse: async (input) => orFail(flag, parseDurationList(input, 'ms')),
  })();

const countList = (flag: string, description: string) =>
  Flags.custom<number[]>({
    description,
    helpValue: '<list>',
    parse: async (input) => orFail(flag, parseCountList(input)),
  })();

const optionList = <T extends string>(flag: string, options: readonly T[], description: string) =>
  Flags.custom<T[]>({
    description,
    helpValue: '<list>',
    parse: async (input) => orFail(flag, parseOptionList(input, options)),
  })();

/** Parses `3,6,12` into partition counts (whole numbers from 1 to 10,000). */
export function parsePartitionList(text: string): number[] | string {
  const counts = parseCountList(text);
  if (typeof counts === 'string') return counts;
  const tooMany = counts.find((n) => n > 10_000);
  return tooMany === undefined ? counts : `"${tooMany}": give at most 10000 partitions`;
}

/** Flags of `sweep`: the settings and rates to cover, and the sustainable-throughput search. */
export const sweepFlags = {
  trigger: triggerList(),
  'buffer-timeout': msList(
    'buffer-timeout',
    'Flink network buffer timeouts to sweep (0 = flush every record)',
  ),
  'flink-batch-size': countList('flink-batch-size', "Row counts of Flink's JDBC batches to sweep"),
  'flink-batch-interval': msList('flink-batch-interval', "Longest waits of Flink's JDBC batches to sweep"),
  delivery: optionList<DeliveryGuarantee>(
    'delivery',
    DELIVERY_GUARANTEES,
    `Delivery guarantees to sweep, every engine at each: ${DELIVERY_GUARANTEES.join(', ')}`,
  ),
  'state-backend': optionList<StateBackend>(
    'state-backend',
    STATE_BACKENDS,
    `State backends of Spark's and Flink's gold windows to sweep: ${STATE_BACKENDS.join(', ')}`,
  ),
  'checkpoint-interval': msList('checkpoint-interval', 'Flink checkpoint intervals to sweep (at least 10ms)'),
  parallelism: Flags.custom<ParallelismList>({
    description:
      "Parallelism to sweep: 1,2,4 for every engine, or one list per engine, the flag repeated (flink=1,2,4 --parallelism baseline=1,2), which advance together (point k: each engine's k-th value, a shorter list keeping its last). Flink's job parallelism, Spark's executors (local: threads), the baseline's consumer threads (at most the partitions)",
    helpValue: '<list>',
    multiple: true,
    parse: async (input) => orFail('parallelism', parseParallelismList(input)),
  })(),
  partitions: Flags.custom<number[]>({
    description:
      'Partition counts of the topic to sweep, e.g. 3,6,12: at each the topic is deleted and created again with that many, and every job restarted without its checkpoints (local and cluster runtimes; a cluster topic only when kafka.topic.create is true)',
    helpValue: '<list>',
    parse: async (input) => orFail('partitions', parsePartitionList(input)),
  })(),
  rate: countList(
    'rate',
    'Offered rates to sweep, events/s: a throughput-latency curve per engine [default: 1000]',
  ),
  seed: Flags.integer({
    description: 'Seed of the synthetic workload (the same events at every point)',
    default: 1,
  }),
  'find-max-rate': Flags.boolean({
    description:
      "Search each engine's sustainable throughput: the highest rate at which latency does not keep rising and p99 stays under --slo-p99",
  }),
  'slo-p99': durationFlag({
    description: 'p99 bound of a sustainable rate',
    default: 1000,
    bareUnit: 'ms',
    minMs: 1,
  }),
  'min-rate': Flags.integer({ description: 'First rate of the search, events/s', default: 1000, min: 1 }),
  'max-rate': Flags.integer({
    description: 'Highest rate the search tries, events/s',
    default: 128_000,
    min: 1,
  }),
};
