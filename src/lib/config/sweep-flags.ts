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
  parseTriggerList,
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
