import { describe, expect, it } from 'vitest';
import { emptyStats } from '../producer/source.js';
import { describeStats } from './source-stats.js';

describe('describeStats', () => {
  it('says nothing when the source had no trouble', () => {
    expect(describeStats(emptyStats())).toEqual([]);
  });

  it('names every non-zero failure counter and the unknown pairs', () => {
    const stats = { ...emptyStats(), retries: 3, http429: 2, reconnects: 1, unknownPairs: ['FOO-BAR'] };
    expect(describeStats(stats)).toEqual([
      '3 retries',
      '2 HTTP 429 (rate limited)',
      '1 WebSocket reconnects',
      'unknown pairs dropped: FOO-BAR',
    ]);
  });
});
