import { describe, expect, it } from 'vitest';
import { assertRunIdIsSafe, newRunId, RUN_ID_PATTERN } from './run-id.js';

describe('newRunId', () => {
  it('stamps the UTC date and time, then four random characters', () => {
    const picks = [0, 10, 35, 1];
    const id = newRunId(new Date(Date.UTC(2025, 0, 2, 3, 4, 5)), () => picks.shift() as number);
    expect(id).toBe('20250102-030405-0az1');
    expect(id).toMatch(RUN_ID_PATTERN);
  });

  it('sorts by start time as plain strings', () => {
    const earlier = newRunId(new Date(Date.UTC(2025, 8, 30, 23, 59, 59)));
    const later = newRunId(new Date(Date.UTC(2025, 9, 1, 0, 0, 0)));
    expect([later, earlier].sort()).toEqual([earlier, later]);
  });

  it('gives different ids within the same second', () => {
    const now = new Date();
    expect(new Set(Array.from({ length: 20 }, () => newRunId(now))).size).toBeGreaterThan(1);
  });
});

describe('assertRunIdIsSafe', () => {
  it('accepts generated and hand-made ids', () => {
    expect(() => assertRunIdIsSafe('20250102-030405-0az1')).not.toThrow();
    expect(() => assertRunIdIsSafe('baseline_v2.1')).not.toThrow();
  });

  it('refuses paths and hidden names', () => {
    for (const id of ['../etc', 'a/b', '.hidden', '', 'a\\b']) {
      expect(() => assertRunIdIsSafe(id)).toThrow(/is not a run id/);
    }
  });
});
