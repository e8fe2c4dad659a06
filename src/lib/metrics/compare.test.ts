import { describe, expect, it } from 'vitest';
import { belowFloor, change, changeFigures, overheadOverFloor, ratio, ratioFigures } from './compare.js';

describe('ratio', () => {
  it('divides one engine figure by another', () => {
    expect(ratio(8_830_000, 2_230_000)).toBeCloseTo(3.9596, 4);
    expect(ratio(0, 5)).toBe(0);
  });

  it('has no ratio for a missing, zero or negative denominator or a negative numerator', () => {
    expect(ratio(null, 5)).toBeNull();
    expect(ratio(5, null)).toBeNull();
    expect(ratio(5, 0)).toBeNull();
    expect(ratio(0, 0)).toBeNull();
    expect(ratio(5, -2)).toBeNull();
    expect(ratio(-5, 2)).toBeNull();
    expect(ratio(Number.NaN, 2)).toBeNull();
  });
});

describe('change', () => {
  it('gives the absolute and the relative change', () => {
    expect(change(200, 150)).toEqual({ before: 200, after: 150, absolute: -50, percent: -25 });
  });

  it('measures the relative change of a negative value against its magnitude', () => {
    expect(change(-100, -50)).toEqual({ before: -100, after: -50, absolute: 50, percent: 50 });
  });

  it('has no percentage from zero and nothing from a missing value', () => {
    expect(change(0, 10)).toEqual({ before: 0, after: 10, absolute: 10, percent: null });
    expect(change(null, 10)).toEqual({ before: null, after: 10, absolute: null, percent: null });
  });
});

describe('overheadOverFloor', () => {
  it('subtracts the baseline engine from an engine', () => {
    expect(overheadOverFloor(90_000, 12_000)).toBe(78_000);
    expect(overheadOverFloor(90_000, null)).toBeNull();
  });
});

describe('belowFloor', () => {
  const names = ['p50_us', 'p99_us'];

  it("names each engine figure that is lower than the floor engine's", () => {
    const figures = {
      spark: { p50_us: 900_000, p99_us: 1_800_000 },
      flink: { p50_us: 7_000, p99_us: 60_000 },
      baseline: { p50_us: 11_700, p99_us: 55_700 },
    };
    expect(belowFloor(figures, 'baseline', names)).toEqual([
      { engine: 'flink', figure: 'p50_us', engineValue: 7_000, floorValue: 11_700, overhead: -4_700 },
    ]);
  });

  it('finds nothing without the floor engine, or where a figure is missing or equal', () => {
    expect(belowFloor({ flink: { p50_us: 1 } }, 'baseline', names)).toEqual([]);
    expect(
      belowFloor(
        { flink: { p50_us: null, p99_us: 5 }, baseline: { p50_us: 3, p99_us: 5 } },
        'baseline',
        names,
      ),
    ).toEqual([]);
  });
});

describe('ratioFigures and changeFigures', () => {
  it('cover every figure named on either side', () => {
    expect(ratioFigures({ p99_us: 300, rows: 10 }, { p99_us: 100, cpu: 2 })).toEqual({
      p99_us: 3,
      rows: null,
      cpu: null,
    });
    expect(changeFigures({ p99_us: 100 }, { p99_us: 110 })['p99_us']).toMatchObject({ absolute: 10 });
    expect(changeFigures({ p99_us: 100 }, { p99_us: 110 })['p99_us']?.percent).toBeCloseTo(10, 10);
  });
});
