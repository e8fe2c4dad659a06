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
  /**
   * When PostgreSQL committed the row's current version, its last write (`pg_xact_commit_timestamp(xmin)`: an
   * upsert's update makes a new row version whose xmin is the updating transaction), epoch µs; null when
   * PostgreSQL no longer knows it (a row frozen by VACUUM long after the run).
   */
  commitUs: number | null;
  /** How many times the row was written (1 = once). */
  writeCount: number;
}

/**
 * When a producer's window counts as closed. `watermark`: a streaming job's bounded-out-of-orderness watermark
 * (Spark's and Flink's): a window `[s, e)` closes once an event with event time ≥ `e + delay` has been sent, and
 * it could close at the moment that event was produced. `schedule`: a batch producer (Airflow) computes a window
 * after its end; windows ending at or before `closedBeforeUs` are due (Infinity: every window of a finished
 * run), each at its end on a schedule, or, when a batch run was asked for the finished run (`dueAtUs`: the
 * moment a DAG run was triggered after the benchmark, when no more event of it could come), all at that moment.
 */
export type GoldClosing =
  { kind: 'watermark' } | { kind: 'schedule'; closedBeforeUs: number; dueAtUs?: number };

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
  /**
   * Right windows whose final version was committed before the window could close (Spark's update mode keeps
   * an open window's row current, so its last write precedes the close): their freshness counts as 0.
   */
  finalBeforeCloseWindows: number;
  /**
   * Freshness of each right window's row, µs, sorted, never negative: max(0, commit of the row's final version
   * (its last write) − the moment the window could close). Wrong rows have no correct version and are left out,
   * as are rows whose commit time PostgreSQL no longer knows.
   */
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
        ? (closing.dueAtUs ?? startUs + windowUs)
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
    finalBeforeCloseWindows: 0,
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
    const included = Math.min(lateCount, Math.max(0, row.values.tradeCount - (expected?.tradeCount ?? 0)));
    check.lateIncludedEvents += included;
    const field = expected ? firstDifference(expected, row.values) : 'tradeCount';
    if (field === null || firstDifference(truth.values, row.values) === null) {
      check.rightWindows++;
      if (row.commitUs !== null) {
        const freshness = windowFreshnessUs(row.commitUs, closedAt);
        if (freshness.finalBeforeClose) check.finalBeforeCloseWindows++;
        check.freshnessUs.push(freshness.freshnessUs);
      }
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

/**
 * Gold freshness of one right window (docs/measurement.md#gold): how long after the window could close a reader
 * first saw its final row, max(0, commit of the final version − close). A final version committed before the
 * close (a row kept current while the window was open) was readable, right, the moment the window closed: 0,
 * and flagged, never a negative figure.
 */
export function windowFreshnessUs(
  finalCommitUs: number,
  closedAtUs: number,
): { freshnessUs: number; finalBeforeClose: boolean } {
  const differenceUs = finalCommitUs - closedAtUs;
  return { freshnessUs: Math.max(0, differenceUs), finalBeforeClose: differenceUs < 0 };
}

function byWindow(a: string, b: string): number {
  const [startA = '', symbolA = ''] = a.split('|');
  const [startB = '', symbolB = ''] = b.split('|');
  return Number(startA) - Number(startB) || symbolA.localeCompare(symbolB);
}

/**
 * Freshness figures of a check: p50, p95, max and mean, µs; null when no right window had a row. A negative
 * value is a bug in the caller (gold freshness is never negative, see {@link windowFreshnessUs}) and throws
 * rather than being reported.
 */
export function goldFreshness(check: Pick<GoldCheck, 'freshnessUs'>): {
  count: number;
  p50Us: number | null;
  p95Us: number | null;
  maxUs: number | null;
  meanUs: number | null;
} {
  const sorted = check.freshnessUs;
  const negative = sorted.find((value) => value < 0);
  if (negative !== undefined) {
    throw new Error(
      `gold freshness ${negative} µs is negative: freshness counts from when a window could close`,
    );
  }
  return {
    count: sorted.length,
    p50Us: percentileCont(sorted, 0.5),
    p95Us: percentileCont(sorted, 0.95),
    maxUs: sorted.at(-1) ?? null,
    meanUs: mean(sorted),
  };
}
