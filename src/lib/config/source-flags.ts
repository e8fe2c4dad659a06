import { Flags } from '@oclif/core';
import { UsageError } from '../errors.js';
import {
  checkEventTimeOptions,
  parseLate,
  type EventTimeOptions,
  type LateSpec,
} from '../producer/event-time.js';
import { MAX_SYMBOLS, parsePairs } from '../producer/pairs.js';
import { PRODUCER_PRIORITIES } from '../producer/priority.js';
import { EVENTS_PER_SEC_PER_PRODUCER } from '../producer/producers.js';
import { parseSpeed } from '../producer/replay.js';
import { parseBurst, type BurstSpec } from '../producer/schedule.js';
import { SOURCE_KINDS, type SourceConfig } from '../producer/sources.js';
import { DEFAULTS } from './defaults.js';
import { durationFlag, orFail } from './flags.js';

const pairsFlag = Flags.custom<string[]>({
  description: `Pairs to produce [default: ${DEFAULTS.pairs.join(',')}]`,
  helpValue: '<list>',
  parse: async (input) => orFail('pairs', parsePairs(input)),
});

const burstFlag = Flags.custom<BurstSpec>({
  description: 'Synthetic bursts EVERY:LENGTH:MULTIPLIER, e.g. 10s:2s:5x',
  helpValue: '<spec>',
  parse: async (input) => orFail('burst', parseBurst(input)),
});

const speedFlag = Flags.custom<number>({
  description: 'Replay speed: 1 = original pace, 10 = ten times faster, max = as fast as possible',
  helpValue: '<N|max>',
  parse: async (input) => orFail('speed', parseSpeed(input)),
});

const lateFlag = Flags.custom<LateSpec>({
  description:
    "Synthetic late events FRACTION:DELAY: that fraction of events (0 < FRACTION <= 1) is sent DELAY after its 10-minute window closed (window end + the jobs' 10 s watermark), e.g. 0.01:30s",
  helpValue: '<fraction:delay>',
  parse: async (input) => orFail('late', parseLate(input)),
});

const eventTimeStartFlag = Flags.custom<number>({
  description:
    'Synthetic event time of the first event, ISO-8601 (e.g. 2026-12-01T09:59:30Z) [default: its send time]; event time then advances with the schedule',
  helpValue: '<time>',
  parse: async (input) => {
    const ms = Date.parse(input);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(input) || Number.isNaN(ms)) {
      throw new UsageError(
        `--event-time-start: "${input}" is not an ISO-8601 time; e.g. 2026-12-01T09:59:30Z`,
      );
    }
    return ms * 1000;
  },
});

/** Flags choosing and shaping the event source, shared by `run`, `sweep` and `record`. */
export const sourceFlags = {
  source: Flags.option({
    description: 'Where events come from',
    options: SOURCE_KINDS,
    default: 'synthetic' as const,
  })(),
  pairs: pairsFlag(),
  rate: Flags.integer({
    description: 'Open-loop rate of the synthetic source, events/s',
    min: 1,
    max: 10_000_000,
    default: 1000,
  }),
  seed: Flags.integer({
    description: 'Seed of the synthetic random walk (same seed, same events)',
    default: 1,
  }),
  burst: burstFlag(),
  interval: durationFlag({
    description: 'Polling interval of coinbase-rest',
    default: 10_000,
    bareUnit: 's',
    minMs: 100,
  }),
  disorder: durationFlag({
    description:
      'Synthetic out-of-order events: each event time is moved back by a seeded random amount up to this (e.g. 2s)',
    bareUnit: 's',
  }),
  late: lateFlag(),
  'event-time-start': eventTimeStartFlag(),
  file: Flags.string({ description: 'NDJSON file for --source replay (written by `crypto-bench record`)' }),
  speed: speedFlag(),
  'coinbase-rest-url': Flags.string({
    description: 'Base URL of the Coinbase Exchange REST API',
    hidden: true,
  }),
  'coinbase-ws-url': Flags.string({
    description: 'URL of the Coinbase Exchange WebSocket feed',
    hidden: true,
  }),
};

/** Flags shaping the synthetic load and who sends it, shared by `run` and `sweep`. */
export const loadFlags = {
  'producer-priority': Flags.option({
    description:
      "normal: the producer threads run at nice -10 inside the CLI's session; high: the session's autogroup too, while producing, so the load is offered on time on cores shared with the engines, which pay for it (see docs/measurement.md)",
    options: PRODUCER_PRIORITIES,
    default: 'normal',
  })(),
  symbols: Flags.integer({
    description:
      'Symbols of the synthetic source: the pairs first, then generated SYM06-USD, SYM07-USD, … [default: the pairs, or one per partition if there are more partitions]',
    min: 1,
    max: MAX_SYMBOLS,
  }),
  producers: Flags.integer({
    description: `Producer threads sending the events (each sends its share of the symbols) [default: one per ${EVENTS_PER_SEC_PER_PRODUCER.toLocaleString('en-US')} events/s, at most one per core]`,
  }),
};

/** Values of {@link sourceFlags} after parsing. */
export interface SourceFlagValues {
  source: (typeof SOURCE_KINDS)[number];
  pairs?: string[];
  rate: number;
  seed: number;
  burst?: BurstSpec;
  disorder?: number;
  late?: LateSpec;
  'event-time-start'?: number;
  interval: number;
  file?: string;
  speed?: number;
  'coinbase-rest-url'?: string;
  'coinbase-ws-url'?: string;
}

/** Resolves the source flags into one source config; rejects flags that do not fit the source. */
export function resolveSource(flags: SourceFlagValues, durationMs: number): SourceConfig {
  const pairs = flags.pairs ?? [...DEFAULTS.pairs];
  if (flags.source !== 'replay' && flags.file) {
    throw new UsageError(`--file is only for --source replay (the source is ${flags.source})`);
  }
  const eventTime: EventTimeOptions = {
    disorderMs: flags.disorder,
    late: flags.late,
    eventTimeStartUs: flags['event-time-start'],
  };
  checkEventTimeOptions(eventTime, flags.source, durationMs);
  switch (flags.source) {
    case 'synthetic':
      return {
        kind: 'synthetic',
        pairs,
        rateEventsPerSec: flags.rate,
        seed: flags.seed,
        burst: flags.burst,
        durationMs,
        eventTime,
      };
    case 'coinbase-rest':
      return {
        kind: 'coinbase-rest',
        pairs,
        intervalMs: flags.interval,
        baseUrl: flags['coinbase-rest-url'],
      };
    case 'coinbase-ws':
      return { kind: 'coinbase-ws', pairs, baseUrl: flags['coinbase-ws-url'] };
    case 'replay':
      if (!flags.file) {
        throw new UsageError('--source replay needs --file FILE', {
          suggestions: [
            'Record one first: crypto-bench record --source coinbase-ws --duration 10m --out ticks.ndjson',
          ],
        });
      }
      return { kind: 'replay', file: flags.file, speed: flags.speed ?? 1 };
  }
}
