import { CoinbaseRestSource } from './coinbase-rest.js';
import { CoinbaseWsSource } from './coinbase-ws.js';
import { openReplay } from './replay.js';
import type { EventTimeOptions } from './event-time.js';
import type { BurstSpec } from './schedule.js';
import type { TickSource } from './source.js';
import { SyntheticSource } from './synthetic.js';

/** Every `--source` crypto-bench knows. */
export const SOURCE_KINDS = ['synthetic', 'coinbase-rest', 'coinbase-ws', 'replay'] as const;
/** One of {@link SOURCE_KINDS}. */
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** Everything needed to build one source; the fields follow each source's options. */
export type SourceConfig =
  | {
      kind: 'synthetic';
      pairs: readonly string[];
      rateEventsPerSec: number;
      seed: number;
      burst?: BurstSpec;
      durationMs?: number;
      count?: number;
      /** Late and out-of-order events, and where event time starts. */
      eventTime?: EventTimeOptions;
      /** Start of the schedule, epoch µs (producer threads share one); by default when iteration begins. */
      startUs?: number;
    }
  | { kind: 'coinbase-rest'; pairs: readonly string[]; intervalMs?: number; baseUrl?: string }
  | { kind: 'coinbase-ws'; pairs: readonly string[]; baseUrl?: string }
  | { kind: 'replay'; file: string; speed: number };

/**
 * Builds the source a run or a recording asked for. Fails before anything is sent: a bad rate, or a replay file
 * that is missing or corrupt, throws a UsageError or ConfigError naming the flag or file.
 */
export async function createSource(config: SourceConfig): Promise<TickSource> {
  switch (config.kind) {
    case 'synthetic':
      return new SyntheticSource(config);
    case 'coinbase-rest':
      return new CoinbaseRestSource(config);
    case 'coinbase-ws':
      return new CoinbaseWsSource(config);
    case 'replay':
      return openReplay(config);
  }
}
