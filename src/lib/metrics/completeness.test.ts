import { describe, expect, it } from 'vitest';
import { assessCompleteness } from './completeness.js';

describe('assessCompleteness', () => {
  it('derives missing rows and duplicate deliveries from the counts', () => {
    expect(
      assessCompleteness({
        producedRows: 1000,
        committedDistinctRows: 990,
        deliveries: 1003,
        deadLetteredRows: 2,
      }),
    ).toEqual({
      producedRows: 1000,
      committedDistinctRows: 990,
      missingRows: 10,
      duplicateDeliveries: 13,
      duplicateDeliveriesUnknownReason: null,
      deadLetteredRows: 2,
      committedFraction: 0.99,
      balanced: true,
      problems: [],
    });
  });

  it('leaves duplicate deliveries unknown, with the reason, when the engine does not count them', () => {
    const report = assessCompleteness({
      producedRows: 10,
      committedDistinctRows: 10,
      deliveries: null,
      deliveriesUnknownReason: 'Spark does not count rows skipped by ON CONFLICT',
      deadLetteredRows: 0,
    });
    expect(report.duplicateDeliveries).toBeNull();
    expect(report.duplicateDeliveriesUnknownReason).toMatch(/Spark/);
    expect(report.balanced).toBe(true);
  });

  it('flags counts that do not add up', () => {
    const report = assessCompleteness({
      producedRows: 100,
      committedDistinctRows: 90,
      missingRows: 7,
      deliveries: 80,
      deadLetteredRows: 0,
    });
    expect(report.balanced).toBe(false);
    expect(report.problems).toEqual([
      'produced (100) ≠ committed (90) + missing (7)',
      'the engine counted 80 deliveries for 90 committed rows',
    ]);
  });

  it('flags more rows committed than produced', () => {
    const report = assessCompleteness({
      producedRows: 5,
      committedDistinctRows: 6,
      deliveries: 6,
      deadLetteredRows: 0,
    });
    expect(report.missingRows).toBe(-1);
    expect(report.problems.join()).toMatch(/1 more rows committed than produced/);
  });

  it('has no committed fraction when nothing was produced', () => {
    const report = assessCompleteness({
      producedRows: 0,
      committedDistinctRows: 0,
      deliveries: 0,
      deadLetteredRows: 0,
    });
    expect(report).toMatchObject({
      committedFraction: null,
      missingRows: 0,
      duplicateDeliveries: 0,
      balanced: true,
    });
  });
});
