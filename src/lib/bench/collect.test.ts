import { describe, expect, it } from 'vitest';
import { seriesFromCounts } from './collect.js';

describe('seriesFromCounts', () => {
  it('gives every second its commits, percentiles and the backlog at its end', () => {
    const series = seriesFromCounts(
      [
        { second: 1, rows: 150, p50Us: 900, p99Us: 1500 },
        { second: 3, rows: 150, p50Us: 800, p99Us: 1200 },
      ],
      [
        { second: 0, rows: 100 },
        { second: 1, rows: 100 },
        { second: 2, rows: 100 },
      ],
    );
    expect([...series.entries()]).toEqual([
      [0, { committedRateEventsPerSec: 0, p50Us: null, p99Us: null, backlogEvents: 100 }],
      [1, { committedRateEventsPerSec: 150, p50Us: 900, p99Us: 1500, backlogEvents: 50 }],
      [2, { committedRateEventsPerSec: 0, p50Us: null, p99Us: null, backlogEvents: 150 }],
      [3, { committedRateEventsPerSec: 150, p50Us: 800, p99Us: 1200, backlogEvents: 0 }],
    ]);
  });

  it('counts rows stamped before the origin into the first second, and is empty without rows', () => {
    const series = seriesFromCounts([{ second: 0, rows: 3, p50Us: 1, p99Us: 1 }], [{ second: -1, rows: 3 }]);
    expect(series.get(0)?.backlogEvents).toBe(0);
    expect(seriesFromCounts([], []).size).toBe(0);
  });
});
