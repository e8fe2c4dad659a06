import { describe, expect, it } from 'vitest';
import { assessCompleteness } from './completeness.js';
import { incompleteReasons, runStatusOf, survivorshipNote } from './incomplete.js';

const counts = (produced: number, committed: number) =>
  assessCompleteness({
    producedRows: produced,
    committedDistinctRows: committed,
    deliveries: null,
    deadLetteredRows: 0,
  });

describe('incompleteReasons', () => {
  it('finds nothing wrong with an engine that committed everything and still runs', () => {
    expect(
      incompleteReasons({
        completeness: counts(100, 100),
        drained: true,
        drainTimeoutMs: 60_000,
        deadParts: [],
      }),
    ).toEqual([]);
  });

  it('names a dead job, the drain timeout and the missing count of the issue scenario', () => {
    expect(
      incompleteReasons({
        completeness: counts(30_000, 12_159),
        drained: false,
        drainTimeoutMs: 60_000,
        deadParts: ['flink'],
      }),
    ).toEqual([
      'died: flink not running at the end of the run',
      'did not drain: not every event was committed within the 60s drain timeout',
      'lost events: committed 12,159 of 30,000 events (17,841 missing)',
    ]);
  });

  it('makes an engine whose rows could not be counted incomplete', () => {
    expect(
      incompleteReasons({ completeness: null, drained: true, drainTimeoutMs: 1000, deadParts: [] }),
    ).toHaveLength(1);
  });

  it('makes an engine that died but was restarted and caught up complete', () => {
    expect(
      incompleteReasons({
        completeness: counts(500, 500),
        drained: true,
        drainTimeoutMs: 1000,
        deadParts: [],
      }),
    ).toEqual([]);
  });
});

describe('survivorshipNote', () => {
  it('says over how many of the produced events an incomplete engine is measured', () => {
    expect(survivorshipNote(counts(30_000, 12_159), ['died'])).toBe(
      'over 12,159 of 30,000 events (the 17,841 that never arrived are not in them)',
    );
  });

  it('says nothing for a complete engine', () => {
    expect(survivorshipNote(counts(30_000, 12_159), [])).toBeNull();
    expect(survivorshipNote(counts(100, 100), ['died'])).toBeNull();
  });
});

describe('runStatusOf', () => {
  it('ranks interrupted over invalid over incomplete over complete', () => {
    expect(runStatusOf({ interrupted: true, invalid: true, incomplete: true })).toBe('interrupted');
    expect(runStatusOf({ interrupted: false, invalid: true, incomplete: true })).toBe('invalid');
    expect(runStatusOf({ interrupted: false, invalid: false, incomplete: true })).toBe('incomplete');
    expect(runStatusOf({ interrupted: false, invalid: false, incomplete: false })).toBe('complete');
  });
});
