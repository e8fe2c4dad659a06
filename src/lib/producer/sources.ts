import { CoinbaseRestSource, type CoinbaseRestOptions } from './coinbase-rest.js';
import { CoinbaseWsSource, type CoinbaseWsOptions } from './coinbase-ws.js';
import { openReplay, type ReplayOptions } from './replay.js';
import type { TickSource } from './source.js';
import { SyntheticSource, type SyntheticOptions } from './synthetic.js';

/** Every `--source` crypto-bench knows. */
export const SOURCE_KINDS = ['synthetic', 'coinbase-rest', 'coinbase-ws', 'replay'] as const;

/** Everything needed to build one source; the fields follow each source's options. */
export type SourceConfig =
  | ({ kind: 'synthetic' } & SyntheticOptions)
  | ({ kind: 'coinbase-rest' } & CoinbaseRestOptions)
  | ({ kind: 'coinbase-ws' } & CoinbaseWsOptions)
  | ({ kind: 'replay' } & ReplayOptions);

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

/**
 * Whether a source keeps a schedule (open loop), so schedule lag judges the run: the same answer as the source's
 * own `openLoop`, for the main thread, which does not build the source (the producer threads do).
 */
export function openLoopOf(config: SourceConfig): boolean {
  if (config.kind === 'synthetic') return true;
  if (config.kind === 'replay') return config.speed !== Number.POSITIVE_INFINITY;
  return false;
}
