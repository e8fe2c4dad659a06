import {
  firstDifference,
  goldKey,
  goldTruth,
  windowStartOf,
  type GoldEvent,
  type GoldField,
  type GoldValues,
} from './gold.js';
import { mean, percentileCont, sortAscending } from './summary.js';

/** A gold row as a producer wrote it, read back with its commit time. */
export interface WrittenGoldRow {
  windowStartUs: number;
  symbol: string;
  values: GoldValues;
  /** When PostgreSQL committed the row's last write (`pg_xact_commit_timestamp`), epoch µs. */
  commitUs: number;
  /** How many times the row was written (1 = once). */
  writeCount: number;
}

/**
 * When a producer's window counts as closed. `watermark`: a streaming job's bounded-out-of-orderness watermark
 * (Spark's and Flink's): a window `[s, e)` closes once an event with event time ≥ `e + delay` has been sent, and
 * it could close at the moment that event was produced. `schedule`: a batch producer (Airflow) computes a window
 * after its end; windows ending at or before `closedBeforeUs` are due, and could close at their end.
 */
export type GoldClosing = { kind: 'watermark' } | { kind: 'schedule'; closedBeforeUs: number };

/** What {@link checkGold} compares. */
export interface GoldCheckInput {
  /** Every event of the run the producer sent, in any order (sorted by seq inside). */
  events: readonly GoldEvent[];
  /** The producer's rows for the run, in one table. */
  rows: readonly WrittenGoldRow[];
  /** Window length of the table, µs. */
  windowUs: number;
  /**
   * The streaming jobs' watermark delay, µs: an event is late when its window had closed by it (its end at or
   * before the latest event time sent before it, minus this delay) when it was sent.
   */
  watermarkDelayUs: number;
  /** When windows close for this producer. */
  closing: GoldClosing;
}

/** A window whose row differs from the truth. */
export interface WrongGoldWindow {
  windowStartUs: number;
  symbol: string;
  /** The first field that differs. */
  field: GoldField;
  /** The truth's value of that field (from the events on time). */
  expected: string | number | null;
  /** The row's value. */
  actual: string | number | null;
}

/** Verdict on one producer's table for one run. */
export interface GoldCheck {
  /** Closed (window, symbol) pairs with events sent. */
  closedWindows: number;
  /** Closed windows whose row equals the truth. */
  rightWindows: number;
  /** Closed windows whose row differs (first few in `wrong`). */
  wrongWindows: number;
  /** Closed windows with on-time events but no row. */
  missingWindows: number;
  /** Rows of closed windows in which no event was sent. */
  extraWindows: number;
  /** Rows of windows still open (not judged). */
  openWindows: number;
  /** The first wrong windows, in window order. */
  wrong: WrongGoldWindow[];
  /** Events sent after their window had closed (by the watermark). */
  lateEvents: number;
  /** Late events the producer counted in its rows. */
  lateIncludedEvents: number;
  /** Late events it left out. */
  lateDroppedEvents: number;
  /** Rows written more than once. */
  rewrittenWindows: number;
  /** Freshness of each closed window's row: commit − the moment the window could close, µs; sorted. */
  freshnessUs: number[];
}

/** How many wrong windows a check keeps. */
const KEPT_WRONG = 10;

/**
 * Compares a producer's gold rows with the truth computed from the events sent (event time), window by window.
 * A closed window's row is right when it equals the truth of the events on time (what a job that drops late
 * events must write) or of every event (what a producer that also counts the late ones writes); otherwise
 * wrong, with the first differing field. Pure.
 */
export function checkGold(input: GoldCheckInput): GoldCheck {
  const { windowUs, watermarkDelayUs } = input;
  const events = [...input.events].sort((a, b) => a.seq - b.seq);
  // Send order: the latest event time sent so far (before and including each event) never decreases.
  const late = new Set<GoldEvent>();
  const maxSoFarUs: number[] = [];
  let maxEventTimeUs = -Infinity;
  for (const event of events) {
    const startUs = windowStartOf(event.eventTimeUs, windowUs);
    if (startUs + windowUs <= maxEventTimeUs - watermarkDelayUs) late.add(event);
    maxEventTimeUs = Math.max(maxEventTimeUs, event.eventTimeUs);
    maxSoFarUs.push(maxEventTimeUs);
  }
  /** produced_at of the first event whose time lets a watermark pass `endUs`; undefined when none was sent. */
  const watermarkPasses = (endUs: number): number | undefined => {
    const thresholdUs = endUs + watermarkDelayUs;
    let low = 0;
    let high = events.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((maxSoFarUs[middle] as number) >= thresholdUs) high = middle;
      else low = middle + 1;
    }
    return events[low]?.producedAtUs;
  };
  const all = goldTruth(events, windowUs);
  const onTime = goldTruth(
    events.filter((event) => !late.has(event)),
    windowUs,
  );
  const lateByKey = new Map<string, number>();
  for (const event of late) {
    const key = goldKey(windowStartOf(event.eventTimeUs, windowUs), event.symbol);
    lateByKey.set(key, (lateByKey.get(key) ?? 0) + 1);
  }
  const closing = input.closing;
  const closedAtUs = (startUs: number): number | undefined =>
    closing.kind === 'watermark'
      ? watermarkPasses(startUs + windowUs)
      : startUs + windowUs <= closing.closedBeforeUs
        ? startUs + windowUs
        : undefined;

  const rows = new Map(input.rows.map((row) => [goldKey(row.windowStartUs, row.symbol), row]));
  const check: GoldCheck = {
    closedWindows: 0,
    rightWindows: 0,
    wrongWindows: 0,
    missingWindows: 0,
    extraWindows: 0,
    openWindows: 0,
    wrong: [],
    lateEvents: late.size,
    lateIncludedEvents: 0,
    lateDroppedEvents: 0,
    rewrittenWindows: input.rows.filter((row) => row.writeCount > 1).length,
    freshnessUs: [],
  };
  const keys = [...all.keys()].sort(byWindow);
  for (const key of keys) {
    const truth = all.get(key);
    if (!truth) continue;
    const closedAt = closedAtUs(truth.windowStartUs);
    if (closedAt === undefined) continue;
    check.closedWindows++;
    const expected = onTime.get(key)?.values;
    const row = rows.get(key);
    const lateCount = lateByKey.get(key) ?? 0;
    if (!row) {
      if (expected) check.missingWindows++;
      else check.rightWindows++; // only late events: a job that drops them writes no row
      continue;
    }
    check.freshnessUs.push(row.commitUs - closedAt);
    const included = Math.min(lateCount, Math.max(0, row.values.tradeCount - (expected?.tradeCount ?? 0)));
    check.lateIncludedEvents += included;
    const field = expected ? firstDifference(expected, row.values) : 'tradeCount';
    if (field === null || firstDifference(truth.values, row.values) === null) {
      check.rightWindows++;
      continue;
    }
    check.wrongWindows++;
    if (check.wrong.length < KEPT_WRONG) {
      check.wrong.push({
        windowStartUs: truth.windowStartUs,
        symbol: truth.symbol,
        field,
        expected: expected ? expected[field] : 0,
        actual: row.values[field],
      });
    }
  }
  for (const [key, row] of rows) {
    if (all.has(key)) continue;
    if (closedAtUs(row.windowStartUs) === undefined) check.openWindows++;
    else check.extraWindows++;
  }
  for (const key of keys) {
    const truth = all.get(key);
    if (truth && rows.has(key) && closedAtUs(truth.windowStartUs) === undefined) check.openWindows++;
  }
  check.lateDroppedEvents = check.lateEvents - check.lateIncludedEvents;
  check.freshnessUs = sortAscending(check.freshnessUs);
  return check;
}

function byWindow(a: string, b: string): number {
  const [startA = '', symbolA = ''] = a.split('|');
  const [startB = '', symbolB = ''] = b.split('|');
  return Number(startA) - Number(startB) || symbolA.localeCompare(symbolB);
}

/** Freshness figures of a check: p50, p95, max and mean, µs; null when no closed window had a row. */
export function goldFreshness(check: GoldCheck): {
  count: number;
  p50Us: number | null;
  p95Us: number | null;
  maxUs: number | null;
  meanUs: number | null;
} {
  const sorted = check.freshnessUs;
  return {
    count: sorted.length,
    p50Us: percentileCont(sorted, 0.5),
    p95Us: percentileCont(sorted, 0.95),
    maxUs: sorted.at(-1) ?? null,
    meanUs: mean(sorted),
  };
}
