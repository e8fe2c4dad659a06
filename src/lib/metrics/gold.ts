import {
  addDecimal,
  compareDecimal,
  formatDecimal,
  multiplyDecimal,
  parseDecimal,
  ratioOf,
  ZERO,
  type Decimal,
} from './decimal.js';

/** One event as the producer sent it: what gold is computed from (docs/measurement.md#gold). */
export interface GoldEvent {
  /** Per-run sequence number: the order the producer sent events in. */
  seq: number;
  /** Trading pair. */
  symbol: string;
  /** Exact decimal price, as sent. */
  price: string;
  /** Exact decimal size, as sent. */
  size: string;
  /** Event time, epoch µs: which window the event belongs to. */
  eventTimeUs: number;
  /** When the producer handed it to Kafka, epoch µs. */
  producedAtUs: number;
}

/**
 * The columns of one gold row. Open, high, low, close and volume are exact decimal texts (no trailing zeros);
 * average, VWAP and standard deviation are doubles, compared within a relative 1e-9.
 */
export interface GoldValues {
  open: string;
  high: string;
  low: string;
  close: string;
  /** Number of trades. */
  tradeCount: number;
  /** Σ size. */
  volume: string;
  /** Σ price / n. */
  avgPrice: number;
  /** Σ price·size / Σ size; null when the volume is 0. */
  vwap: number | null;
  /** Population standard deviation of the price, √((n·Σp² − (Σp)²) / n²): 0 for one trade. */
  priceStddev: number;
}

/** The fields in the order a comparison names the first difference. */
export const GOLD_FIELDS = [
  'open',
  'high',
  'low',
  'close',
  'tradeCount',
  'volume',
  'avgPrice',
  'vwap',
  'priceStddev',
] as const;
/** One of {@link GOLD_FIELDS}. */
export type GoldField = (typeof GOLD_FIELDS)[number];

/** Relative tolerance of average, VWAP and standard deviation. */
export const GOLD_RELATIVE_TOLERANCE = 1e-9;

/** Key of a gold row within one run: `<window start µs>|<symbol>`. */
export function goldKey(windowStartUs: number, symbol: string): string {
  return `${windowStartUs}|${symbol}`;
}

/** Start of the epoch-aligned tumbling window of `sizeUs` holding `eventTimeUs`. */
export function windowStartOf(eventTimeUs: number, sizeUs: number): number {
  return Math.floor(eventTimeUs / sizeUs) * sizeUs;
}

/** Running sums of one window, exact. */
class WindowSums {
  count = 0;
  sumPrice: Decimal = ZERO;
  sumPriceSquared: Decimal = ZERO;
  sumNotional: Decimal = ZERO;
  sumSize: Decimal = ZERO;
  high: Decimal | undefined;
  low: Decimal | undefined;
  first: GoldEvent | undefined;
  last: GoldEvent | undefined;

  add(event: GoldEvent): void {
    const price = parseDecimal(event.price);
    const size = parseDecimal(event.size);
    this.count++;
    this.sumPrice = addDecimal(this.sumPrice, price);
    this.sumPriceSquared = addDecimal(this.sumPriceSquared, multiplyDecimal(price, price));
    this.sumNotional = addDecimal(this.sumNotional, multiplyDecimal(price, size));
    this.sumSize = addDecimal(this.sumSize, size);
    if (this.high === undefined || compareDecimal(price, this.high) > 0) this.high = price;
    if (this.low === undefined || compareDecimal(price, this.low) < 0) this.low = price;
    // Open and close by event time, ties by seq: the jobs' GoldAccumulator rule.
    if (!this.first || before(event, this.first)) this.first = event;
    if (!this.last || before(this.last, event)) this.last = event;
  }

  values(): GoldValues {
    const n: Decimal = { units: BigInt(this.count), scale: 0 };
    const numerator = addDecimal(
      multiplyDecimal(n, this.sumPriceSquared),
      multiplyDecimal({ units: -1n, scale: 0 }, multiplyDecimal(this.sumPrice, this.sumPrice)),
    );
    const variance = ratioOf(numerator, multiplyDecimal(n, n)) ?? 0;
    return {
      open: formatDecimal(parseDecimal((this.first as GoldEvent).price)),
      high: formatDecimal(this.high as Decimal),
      low: formatDecimal(this.low as Decimal),
      close: formatDecimal(parseDecimal((this.last as GoldEvent).price)),
      tradeCount: this.count,
      volume: formatDecimal(this.sumSize),
      avgPrice: ratioOf(this.sumPrice, n) ?? 0,
      vwap: ratioOf(this.sumNotional, this.sumSize),
      priceStddev: Math.sqrt(Math.max(0, variance)),
    };
  }
}

function before(a: GoldEvent, b: GoldEvent): boolean {
  return a.eventTimeUs < b.eventTimeUs || (a.eventTimeUs === b.eventTimeUs && a.seq < b.seq);
}

/** One window's truth: its key and values. */
export interface TruthRow {
  windowStartUs: number;
  symbol: string;
  values: GoldValues;
}

/**
 * The gold rows of `events` by event time: one per (window of `sizeUs`, symbol) with at least one event. A
 * window without events has no row (as in the jobs: no trade, no row). Pure; the order of `events` does not
 * matter.
 */
export function goldTruth(events: readonly GoldEvent[], sizeUs: number): Map<string, TruthRow> {
  const sums = new Map<string, { windowStartUs: number; symbol: string; sums: WindowSums }>();
  for (const event of events) {
    const windowStartUs = windowStartOf(event.eventTimeUs, sizeUs);
    const key = goldKey(windowStartUs, event.symbol);
    let entry = sums.get(key);
    if (!entry) sums.set(key, (entry = { windowStartUs, symbol: event.symbol, sums: new WindowSums() }));
    entry.sums.add(event);
  }
  const truth = new Map<string, TruthRow>();
  for (const [key, entry] of sums) {
    truth.set(key, { windowStartUs: entry.windowStartUs, symbol: entry.symbol, values: entry.sums.values() });
  }
  return truth;
}

/** Normalizes a decimal text as PostgreSQL returns it (`"3.00000000"`) for an exact comparison. */
export function normalizeDecimal(text: string): string {
  return formatDecimal(parseDecimal(text));
}

function closeEnough(actual: number | null, expected: number | null): boolean {
  if (actual === null || expected === null) return actual === expected;
  return (
    Math.abs(actual - expected) <= GOLD_RELATIVE_TOLERANCE * Math.max(Math.abs(actual), Math.abs(expected))
  );
}

/**
 * The first field in which `actual` differs from `expected` ({@link GOLD_FIELDS} order), or null when they
 * agree: open, high, low, close, trade count and volume exactly; average, VWAP and standard deviation within a
 * relative {@link GOLD_RELATIVE_TOLERANCE}.
 */
export function firstDifference(expected: GoldValues, actual: GoldValues): GoldField | null {
  for (const field of GOLD_FIELDS) {
    const e = expected[field];
    const a = actual[field];
    const same =
      typeof e === 'string'
        ? compareDecimal(parseDecimal(e), parseDecimal(a as string)) === 0
        : field === 'tradeCount'
          ? e === a
          : closeEnough(a as number | null, e);
    if (!same) return field;
  }
  return null;
}
