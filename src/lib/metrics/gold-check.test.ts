import { describe, expect, it } from 'vitest';
import { checkGold, goldFreshness, windowFreshnessUs, type WrittenGoldRow } from './gold-check.js';
import { goldKey, goldTruth, type GoldEvent } from './gold.js';

const S = 1_000_000;
const WINDOW = 600 * S;
const DELAY = 10 * S;

/** An event sent at `sentS` with event time `eventTimeS`. */
function event(seq: number, price: string, eventTimeS: number, sentS = eventTimeS): GoldEvent {
  return { seq, symbol: 'BTC-USD', price, size: '1', eventTimeUs: eventTimeS * S, producedAtUs: sentS * S };
}

// Window [0, 600 s): three trades on time. Event 3 at 611 s passes the watermark over 600 s, closing it.
// Event 4 (event time 100 s) is sent at 650 s: late. Window [600, 1200 s) stays open.
const EVENTS = [
  event(0, '10', 100),
  event(1, '12', 300),
  event(2, '11', 500),
  event(3, '20', 611),
  event(4, '99', 100, 650),
];

function rowOf(events: GoldEvent[], windowStartS: number, commitS: number, writeCount = 1): WrittenGoldRow {
  const truth = goldTruth(events, WINDOW).get(goldKey(windowStartS * S, 'BTC-USD'));
  if (!truth) throw new Error('no such window');
  return {
    windowStartUs: windowStartS * S,
    symbol: 'BTC-USD',
    values: truth.values,
    commitUs: commitS * S,
    writeCount,
  };
}

const ON_TIME = EVENTS.slice(0, 3);

describe('checkGold', () => {
  it('finds a row that dropped the late event right, counts the late event dropped, and its freshness', () => {
    const check = checkGold({
      events: EVENTS,
      rows: [rowOf(ON_TIME, 0, 612, 3), rowOf([EVENTS[3] as GoldEvent], 600, 612)],
      windowUs: WINDOW,
      watermarkDelayUs: DELAY,
      closing: { kind: 'watermark' },
    });
    expect(check).toMatchObject({
      closedWindows: 1,
      rightWindows: 1,
      wrongWindows: 0,
      missingWindows: 0,
      extraWindows: 0,
      openWindows: 1,
      lateEvents: 1,
      lateIncludedEvents: 0,
      lateDroppedEvents: 1,
      rewrittenWindows: 1,
    });
    // Could close when event 3 was produced (611 s); committed at 612 s.
    expect(check.freshnessUs).toEqual([1 * S]);
    expect(goldFreshness(check)).toMatchObject({ count: 1, p50Us: S, maxUs: S });
  });

  it('finds a row that counted the late event right too, and counts it included', () => {
    const check = checkGold({
      events: EVENTS,
      rows: [
        rowOf(
          EVENTS.filter((e) => e.seq !== 3),
          0,
          651,
        ),
      ],
      windowUs: WINDOW,
      watermarkDelayUs: DELAY,
      closing: { kind: 'watermark' },
    });
    expect(check).toMatchObject({ rightWindows: 1, lateIncludedEvents: 1, lateDroppedEvents: 0 });
  });

  it('reports a corrupted row wrong with the first differing field, and a missing and an extra window', () => {
    const corrupted = rowOf(ON_TIME, 0, 612);
    corrupted.values = { ...corrupted.values, high: '13' };
    const extra = { ...rowOf(ON_TIME, 0, 612), windowStartUs: -WINDOW };
    const wrong = checkGold({
      events: EVENTS,
      rows: [corrupted, extra],
      windowUs: WINDOW,
      watermarkDelayUs: DELAY,
      closing: { kind: 'watermark' },
    });
    expect(wrong).toMatchObject({ rightWindows: 0, wrongWindows: 1, extraWindows: 1 });
    expect(wrong.wrong).toEqual([
      { windowStartUs: 0, symbol: 'BTC-USD', field: 'high', expected: '12', actual: '13' },
    ]);
    const missing = checkGold({
      events: EVENTS,
      rows: [],
      windowUs: WINDOW,
      watermarkDelayUs: DELAY,
      closing: { kind: 'watermark' },
    });
    expect(missing).toMatchObject({ closedWindows: 1, missingWindows: 1, freshnessUs: [] });
  });

  it('closes no window before an event passes its end plus the watermark delay', () => {
    const check = checkGold({
      events: [event(0, '10', 100), event(1, '11', 609)],
      rows: [],
      windowUs: WINDOW,
      watermarkDelayUs: DELAY,
      closing: { kind: 'watermark' },
    });
    expect(check).toMatchObject({ closedWindows: 0, missingWindows: 0 });
  });

  it('closes a batch producer’s windows by its schedule, fresh from the window end', () => {
    const check = checkGold({
      events: EVENTS,
      rows: [
        rowOf(
          EVENTS.filter((e) => e.seq !== 3),
          0,
          700,
        ),
      ],
      windowUs: WINDOW,
      watermarkDelayUs: DELAY,
      closing: { kind: 'schedule', closedBeforeUs: 600 * S },
    });
    expect(check).toMatchObject({ closedWindows: 1, rightWindows: 1, lateIncludedEvents: 1 });
    expect(check.freshnessUs).toEqual([100 * S]);
  });

  it('counts no window fresh before it closed: a rewritten row whose last write preceded the close is 0, flagged', () => {
    // Spark's update mode: the window's row was written at 200 s, rewritten with its final values at 505 s
    // (write 3), and the window could close at 611 s. The last write is final and right 106 s before the close.
    const check = checkGold({
      events: EVENTS,
      rows: [rowOf(ON_TIME, 0, 505, 3)],
      windowUs: WINDOW,
      watermarkDelayUs: DELAY,
      closing: { kind: 'watermark' },
    });
    expect(check).toMatchObject({ rightWindows: 1, rewrittenWindows: 1, finalBeforeCloseWindows: 1 });
    expect(check.freshnessUs).toEqual([0]);
    expect(goldFreshness(check)).toMatchObject({ count: 1, p50Us: 0, maxUs: 0 });
  });

  it('counts a row rewritten after the close fresh from the close to its last write', () => {
    // Flink writes at the close; a replay rewrites the row with the same values at 640 s: its final version.
    const check = checkGold({
      events: EVENTS,
      rows: [rowOf(ON_TIME, 0, 640, 2)],
      windowUs: WINDOW,
      watermarkDelayUs: DELAY,
      closing: { kind: 'watermark' },
    });
    expect(check).toMatchObject({ rewrittenWindows: 1, finalBeforeCloseWindows: 0, freshnessUs: [29 * S] });
  });

  it('leaves wrong rows and rows of unknown commit time out of freshness', () => {
    const corrupted = rowOf(ON_TIME, 0, 612);
    corrupted.values = { ...corrupted.values, close: '1' };
    const wrong = checkGold({
      events: EVENTS,
      rows: [corrupted],
      windowUs: WINDOW,
      watermarkDelayUs: DELAY,
      closing: { kind: 'watermark' },
    });
    expect(wrong).toMatchObject({ wrongWindows: 1, freshnessUs: [] });
    const frozen = checkGold({
      events: EVENTS,
      rows: [{ ...rowOf(ON_TIME, 0, 612), commitUs: null }],
      windowUs: WINDOW,
      watermarkDelayUs: DELAY,
      closing: { kind: 'watermark' },
    });
    expect(frozen).toMatchObject({ rightWindows: 1, freshnessUs: [] });
  });

  it('counts every window of a batch run asked for after the run fresh from when it was asked', () => {
    // The DAG run was triggered at 900 s, when the run had ended, and committed at 930 s: the window ending at
    // 1200 s was due then too (no more event of the run could come).
    const check = checkGold({
      events: EVENTS,
      rows: [
        rowOf(
          EVENTS.filter((e) => e.seq !== 3),
          0,
          930,
        ),
        rowOf([EVENTS[3] as GoldEvent], 600, 930),
      ],
      windowUs: WINDOW,
      watermarkDelayUs: DELAY,
      closing: { kind: 'schedule', closedBeforeUs: Infinity, dueAtUs: 900 * S },
    });
    expect(check).toMatchObject({
      closedWindows: 2,
      rightWindows: 2,
      openWindows: 0,
      finalBeforeCloseWindows: 0,
    });
    expect(check.freshnessUs).toEqual([30 * S, 30 * S]);
  });
});

describe('windowFreshnessUs', () => {
  it('is the final commit minus the close, or 0 and flagged when the final version came first', () => {
    expect(windowFreshnessUs(15 * S, 10 * S)).toEqual({ freshnessUs: 5 * S, finalBeforeClose: false });
    expect(windowFreshnessUs(10 * S, 10 * S)).toEqual({ freshnessUs: 0, finalBeforeClose: false });
    expect(windowFreshnessUs(4.5 * S, 10 * S)).toEqual({ freshnessUs: 0, finalBeforeClose: true });
  });
});

describe('goldFreshness', () => {
  it('refuses a negative freshness instead of reporting it', () => {
    expect(() => goldFreshness({ freshnessUs: [-5_500_000, 130_000] })).toThrow(/negative/);
  });

  it('has no figures when no right window had a row', () => {
    expect(goldFreshness({ freshnessUs: [] })).toEqual({
      count: 0,
      p50Us: null,
      p95Us: null,
      maxUs: null,
      meanUs: null,
    });
  });
});
