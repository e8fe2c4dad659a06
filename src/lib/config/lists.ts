import { parseDurationMs, parseList } from './units.js';

/** A Spark trigger: an interval in ms (0 = as fast as possible), or Spark's Real-Time Mode. */
export type SparkTrigger = number | 'realtime';

/** Parses `0,1s,5s,realtime` into triggers; a message naming the bad item otherwise. */
export function parseTriggerList(text: string): SparkTrigger[] | string {
  return mapItems<SparkTrigger>(text, (item) => {
    if (item.toLowerCase() === 'realtime') return { value: 'realtime' };
    return ok(parseDurationMs(item));
  });
}

/** Parses `0,10ms,100ms` into milliseconds; bare numbers are read in `bareUnit`. */
export function parseDurationList(text: string, bareUnit: 'ms' | 's' = 'ms'): number[] | string {
  return mapItems(text, (item) => ok(parseDurationMs(item, bareUnit)));
}

/** Parses `1000,10000,50000` (or `10k,50k`) into positive integers. */
export function parseCountList(text: string): number[] | string {
  return mapItems<number>(text, (item) => {
    const match = /^(\d+(?:\.\d+)?)(k|m)?$/i.exec(item);
    if (!match) return `"${item}" is not a whole number; write 1000, 10k or 1m`;
    const scale = { k: 1000, m: 1_000_000 }[(match[2] ?? '').toLowerCase()] ?? 1;
    const value = Number(match[1]) * scale;
    if (!Number.isInteger(value) || value < 1) return `"${item}" must be a whole number of at least 1`;
    return { value };
  });
}

/** A parsed item, or the message saying what is wrong with it. */
type Item<T> = { value: T } | string;

function ok<T>(parsed: T | string): Item<T> {
  return typeof parsed === 'string' ? parsed : { value: parsed };
}

function mapItems<T>(text: string, parse: (item: string) => Item<T>): T[] | string {
  const items = parseList(text);
  if (typeof items === 'string') return items;
  const values: T[] = [];
  for (const item of items) {
    const parsed = parse(item);
    if (typeof parsed === 'string') return parsed;
    values.push(parsed.value);
  }
  if (new Set(values).size !== values.length) return `"${text}" lists a value twice`;
  return values;
}
