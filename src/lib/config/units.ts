/** Milliseconds per unit accepted in durations. */
const DURATION_UNITS_MS: Record<string, number> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(us|ms|s|m|h)?$/;

/**
 * Parses a duration such as `500ms`, `15s`, `5m`, `1.5h` or `0` into milliseconds.
 * A bare number needs `bareUnit` (the unit the flag documents); without it, a unit is required.
 * Returns an error message instead of throwing so flag parsers can name the flag.
 */
export function parseDurationMs(text: string, bareUnit?: keyof typeof DURATION_UNITS_MS): number | string {
  const trimmed = text.trim().toLowerCase();
  const match = DURATION_PATTERN.exec(trimmed);
  if (!match) return `"${text}" is not a duration; use a number with a unit: 500ms, 15s, 5m, 1h`;
  const value = Number(match[1]);
  const unit = match[2] ?? (value === 0 ? 'ms' : bareUnit);
  if (unit === undefined) return `"${text}" has no unit; write it as ${text}s or ${text}ms`;
  return value * (DURATION_UNITS_MS[unit] ?? Number.NaN);
}

/** Formats milliseconds for humans: 250ms, 15s, 5m, 1h30m. */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  if (minutes < 60) return seconds ? `${minutes}m${seconds}s` : `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours}h${minutes % 60}m` : `${hours}h`;
}

/** Splits a comma-separated list, trimming items and rejecting empty ones. */
export function parseList(text: string): string[] | string {
  const items = text.split(',').map((item) => item.trim());
  if (items.some((item) => item === ''))
    return `"${text}" has an empty item; separate values with single commas`;
  return items;
}
