import { Flags } from '@oclif/core';
import { durationFlag, orFail } from './flags.js';
import { parseCountList, parseDurationList, parseTriggerList, type SparkTrigger } from './lists.js';

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

/** Flags of `sweep`: the settings and rates to cover, and the sustainable-throughput search. */
export const sweepFlags = {
  trigger: triggerList(),
  'buffer-timeout': msList(
    'buffer-timeout',
    'Flink network buffer timeouts to sweep (0 = flush every record)',
  ),
  'flink-batch-size': countList('flink-batch-size', "Row counts of Flink's JDBC batches to sweep"),
  'flink-batch-interval': msList('flink-batch-interval', "Longest waits of Flink's JDBC batches to sweep"),
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
