import type { Tick } from './source.js';

/** `format` field of the header line of a recorded tick file. */
export const TICK_FILE_FORMAT = 'crypto-bench-ticks';
/** Version of the tick file this tool writes; replay reads this version and older. */
export const TICK_FILE_VERSION = 1;

/** First line of a tick file (NDJSON): what was recorded, from where, when. */
export interface TickFileHeader {
  /** Always {@link TICK_FILE_FORMAT}. */
  format: typeof TICK_FILE_FORMAT;
  /** {@link TICK_FILE_VERSION} at the time of writing. */
  version: number;
  /** Name of the source that produced the ticks, e.g. `coinbase-ws`. */
  source: string;
  /** Pairs asked for, in order. */
  pairs: string[];
  /** When recording started, ISO-8601 UTC. */
  recordedAt: string;
}

/** The header as one line, newline included. */
export function headerLine(header: TickFileHeader): string {
  return `${JSON.stringify(header)}\n`;
}

/** One tick as one line, newline included; the fields of {@link Tick} in a fixed order. */
export function tickLine(tick: Tick): string {
  const { symbol, price, size, eventTimeUs, intendedAtUs } = tick;
  return `${JSON.stringify({ symbol, price, size, eventTimeUs, intendedAtUs })}\n`;
}

const DECIMAL = /^\d+(\.\d+)?$/;

/** Reads a header line, or says what is wrong with it. */
export function parseHeader(text: string): TickFileHeader | string {
  const value = parseObject(text);
  if (typeof value === 'string') return value;
  if (value.format !== TICK_FILE_FORMAT) return `the first line is not a ${TICK_FILE_FORMAT} header`;
  if (typeof value.version !== 'number' || !Number.isInteger(value.version) || value.version < 1) {
    return 'the header has no valid "version"';
  }
  if (value.version > TICK_FILE_VERSION) {
    return `format version ${value.version} is newer than this crypto-bench reads (${TICK_FILE_VERSION})`;
  }
  const pairs = value.pairs;
  if (!Array.isArray(pairs) || !pairs.every((pair) => typeof pair === 'string')) {
    return 'the header has no "pairs" list';
  }
  return {
    format: TICK_FILE_FORMAT,
    version: value.version,
    source: typeof value.source === 'string' ? value.source : 'unknown',
    pairs,
    recordedAt: typeof value.recordedAt === 'string' ? value.recordedAt : '',
  };
}

/** Reads a tick line, or says what is wrong with it. */
export function parseTickLine(text: string): Tick | string {
  const value = parseObject(text);
  if (typeof value === 'string') return value;
  const { symbol, price, size, eventTimeUs, intendedAtUs } = value;
  if (typeof symbol !== 'string' || symbol === '') return '"symbol" is missing or not a string';
  if (typeof price !== 'string' || !DECIMAL.test(price)) return '"price" is not a decimal string';
  if (typeof size !== 'string' || !DECIMAL.test(size)) return '"size" is not a decimal string';
  if (!Number.isSafeInteger(eventTimeUs)) return '"eventTimeUs" is not an integer of microseconds';
  if (!Number.isSafeInteger(intendedAtUs)) return '"intendedAtUs" is not an integer of microseconds';
  return { symbol, price, size, eventTimeUs: eventTimeUs as number, intendedAtUs: intendedAtUs as number };
}

function parseObject(text: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not valid JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  return value as Record<string, unknown>;
}
