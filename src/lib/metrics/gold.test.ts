import { describe, expect, it } from 'vitest';
import { firstDifference, goldKey, goldTruth, normalizeDecimal, type GoldEvent } from './gold.js';

const S = 1_000_000;
const TEN_MINUTES = 600 * S;

function event(seq: number, symbol: string, price: string, size: string, eventTimeS: number): GoldEvent {
  return { seq, symbol, price, size, eventTimeUs: eventTimeS * S, producedAtUs: eventTimeS * S };
}

// Window [0, 10 min) of BTC: three trades sent out of event-time order.
const BTC = [
  event(0, 'BTC-USD', '3000.10', '0.5', 120),
  event(1, 'BTC-USD', '2990.00', '1.5', 60),
  event(2, 'BTC-USD', '3010.00', '1', 540),
];

describe('goldTruth', () => {
  it('computes a window of three trades by event time, as by hand', () => {
    const row = goldTruth(BTC, TEN_MINUTES).get(goldKey(0, 'BTC-USD'));
    const mean = (3000.1 + 2990 + 3010) / 3;
    expect(row?.values).toEqual({
      open: '2990', // the earliest event time (60 s), though sent second
      high: '3010',
      low: '2990',
      close: '3010',
      tradeCount: 3,
      volume: '3',
      avgPrice: expect.closeTo(3000.0333333333, 9) as number, // 9000.10 / 3
      vwap: 2998.35, // (2990·1.5 + 3000.10·0.5 + 3010·1) / 3 = 8995.05 / 3
      priceStddev: expect.closeTo(
        Math.sqrt(((3000.1 - mean) ** 2 + (2990 - mean) ** 2 + (3010 - mean) ** 2) / 3),
        9,
      ) as number,
    });
  });

  it('gives a window of one trade a standard deviation of 0 and its price as every price', () => {
    const row = goldTruth([event(7, 'ETH-USD', '100.50', '2', 5)], TEN_MINUTES).get(goldKey(0, 'ETH-USD'));
    expect(row?.values).toEqual({
      open: '100.5',
      high: '100.5',
      low: '100.5',
      close: '100.5',
      tradeCount: 1,
      volume: '2',
      avgPrice: 100.5,
      vwap: 100.5,
      priceStddev: 0,
    });
  });

  it('has no row for a window without events, and none at all for no events', () => {
    const truth = goldTruth([...BTC, event(3, 'BTC-USD', '1', '1', 1300)], TEN_MINUTES);
    expect([...truth.keys()]).toEqual([goldKey(0, 'BTC-USD'), goldKey(2 * TEN_MINUTES, 'BTC-USD')]);
    expect(truth.has(goldKey(TEN_MINUTES, 'BTC-USD'))).toBe(false);
    expect(goldTruth([], TEN_MINUTES).size).toBe(0);
  });

  it('breaks an event-time tie by seq and leaves VWAP empty when the volume is 0', () => {
    const values = goldTruth(
      [event(5, 'X', '2', '0', 10), event(4, 'X', '1', '0', 10), event(6, 'X', '3', '0', 10)],
      TEN_MINUTES,
    ).get(goldKey(0, 'X'))?.values;
    expect([values?.open, values?.close, values?.vwap]).toEqual(['1', '3', null]);
  });

  it('sums sizes exactly, where doubles would not', () => {
    const events = Array.from({ length: 10 }, (_, i) => event(i, 'X', '1', '0.1', i));
    expect(goldTruth(events, TEN_MINUTES).get(goldKey(0, 'X'))?.values.volume).toBe('1');
  });
});

describe('firstDifference', () => {
  const truth = goldTruth(BTC, TEN_MINUTES).get(goldKey(0, 'BTC-USD'))?.values;
  if (!truth) throw new Error('no truth');

  it('accepts exact decimals written with trailing zeros and doubles within a relative 1e-9', () => {
    expect(
      firstDifference(truth, {
        ...truth,
        open: '2990.000',
        volume: '3.00000000',
        avgPrice: truth.avgPrice * (1 + 5e-10),
        priceStddev: truth.priceStddev * (1 - 5e-10),
      }),
    ).toBeNull();
  });

  it('names the first field that differs, in column order', () => {
    expect(firstDifference(truth, { ...truth, close: '3010.01', volume: '4' })).toBe('close');
    expect(firstDifference(truth, { ...truth, tradeCount: 4 })).toBe('tradeCount');
    expect(
      firstDifference(truth, { ...truth, vwap: truth.vwap === null ? 1 : truth.vwap * (1 + 2e-9) }),
    ).toBe('vwap');
    expect(firstDifference(truth, { ...truth, vwap: null })).toBe('vwap');
  });

  it('normalizes PostgreSQL numeric text', () => {
    expect(normalizeDecimal('3.00000000')).toBe('3');
    expect(normalizeDecimal('0.12000')).toBe('0.12');
    expect(normalizeDecimal('-0.5')).toBe('-0.5');
  });
});
