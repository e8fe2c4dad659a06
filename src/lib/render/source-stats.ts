import type { SourceStats } from '../producer/source.js';

/** The non-zero failure counters of a source, in words. */
export function describeStats(stats: SourceStats): string[] {
  const counters: [number, string][] = [
    [stats.retries, 'retries'],
    [stats.http429, 'HTTP 429 (rate limited)'],
    [stats.http5xx, 'HTTP 5xx'],
    [stats.timeouts, 'timeouts'],
    [stats.malformed, 'malformed messages skipped'],
    [stats.reconnects, 'WebSocket reconnects'],
  ];
  const lines = counters.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  if (stats.unknownPairs.length > 0) lines.push(`unknown pairs dropped: ${stats.unknownPairs.join(', ')}`);
  return lines;
}

/** Why a source delivered nothing: its last error (which names the endpoint), or that no tick arrived. */
export function describeNothingDelivered(source: string, stats: SourceStats | null | undefined): string {
  const lastError = stats?.errors.at(-1);
  return lastError === undefined
    ? `the ${source} source delivered no tick`
    : `the ${source} source delivered no tick; its last error: ${lastError}`;
}
