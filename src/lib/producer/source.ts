/**
 * One price tick from a source, before the producer stamps it with a run id, a sequence number and the time
 * it handed the tick to Kafka.
 */
export interface Tick {
  /** Pair, e.g. `BTC-USD`. */
  symbol: string;
  /** Trade price as a decimal string, exactly as the source gave it. */
  price: string;
  /** Trade size (base currency) as a decimal string. */
  size: string;
  /** When the trade happened at the source (exchange trade time, or generator time), epoch µs. */
  eventTimeUs: number;
  /**
   * When the schedule wanted this tick sent, epoch µs: the open-loop slot for synthetic and replay, the poll's
   * scheduled time for REST, the receive time for the WebSocket feed.
   */
  intendedAtUs: number;
  /**
   * The tick's place in the source's stream (0-based), set only by a source that leaves out the ticks of other
   * producers' shares (the synthetic source with `share`); the producer numbers the others itself.
   */
  seq?: number;
}

/** Counters a source keeps, shown in the run summary. Every failure is counted here, none is thrown. */
export interface SourceStats {
  /** HTTP requests or WebSocket connection attempts made. */
  requests: number;
  /** Attempts repeated after a failure (429, 5xx, timeout, network error). */
  retries: number;
  /** HTTP 429 Too Many Requests answers. */
  http429: number;
  /** HTTP 5xx answers. */
  http5xx: number;
  /** Requests that ran out of time, and connections that went stale. */
  timeouts: number;
  /** Responses or frames that were not the expected JSON (truncated, wrong fields); skipped. */
  malformed: number;
  /** WebSocket reconnections after a drop or a stale connection. */
  reconnects: number;
  /** Ticks already seen (same trade id as before) and therefore not sent again. */
  duplicates: number;
  /** WebSocket heartbeats received. */
  heartbeats: number;
  /** Pairs the exchange does not know; dropped from the run. */
  unknownPairs: string[];
  /** The last few error messages, oldest first. */
  errors: string[];
}

/**
 * Where ticks come from. `ticks()` yields batches (arrays) so that a fast source never pays a Promise per
 * tick; live sources yield whatever arrived since the last batch. The iteration ends when the source is
 * exhausted or `signal` is aborted; failures of the remote side are counted in `stats()`, never thrown.
 */
export interface TickSource {
  /** Source kind as the user named it, e.g. `synthetic`. */
  readonly name: string;
  /** The pairs this source produces, in the order that fixes their partitions. */
  readonly pairs: readonly string[];
  /**
   * True when ticks follow an open-loop schedule this tool controls (synthetic, replay): then schedule lag
   * measures the producer, and a large one means the asked load was not offered. Live sources follow the
   * exchange's pace; their schedule lag includes the network and is reported but judges nothing.
   */
  readonly openLoop: boolean;
  /** Batches of ticks, in order, until exhausted or aborted. */
  ticks(signal: AbortSignal): AsyncIterable<Tick[]>;
  /** A snapshot of the counters. */
  stats(): SourceStats;
}

/** How many error messages a source keeps. */
const KEPT_ERRORS = 10;

/** Fresh, all-zero counters. */
export function emptyStats(): SourceStats {
  return {
    requests: 0,
    retries: 0,
    http429: 0,
    http5xx: 0,
    timeouts: 0,
    malformed: 0,
    reconnects: 0,
    duplicates: 0,
    heartbeats: 0,
    unknownPairs: [],
    errors: [],
  };
}

/** Appends an error message, keeping only the last few. */
export function noteError(stats: SourceStats, message: string): void {
  stats.errors.push(message);
  if (stats.errors.length > KEPT_ERRORS) stats.errors.splice(0, stats.errors.length - KEPT_ERRORS);
}

/** Records a pair the exchange does not know (once). */
export function noteUnknownPair(stats: SourceStats, pair: string): void {
  if (!stats.unknownPairs.includes(pair)) stats.unknownPairs.push(pair);
}

/** A deep copy of the counters, safe to hand out. */
export function copyStats(stats: SourceStats): SourceStats {
  return { ...stats, unknownPairs: [...stats.unknownPairs], errors: [...stats.errors] };
}
