/** Counts an engine's completeness is computed from. */
export interface CompletenessCounts {
  /** Events the producer got acknowledged by Kafka for this run. */
  producedRows: number;
  /** Distinct (run_id, seq) rows in the engine's table. */
  committedDistinctRows: number;
  /**
   * Rows missing, when measured on its own (e.g. produced seqs with no row); derived as
   * produced − committed when absent.
   */
  missingRows?: number;
  /** Every write the engine attempted, replays included, when the engine counts them; else null. */
  deliveries: number | null;
  /** Why `deliveries` is unknown (e.g. "Spark does not count rows skipped by ON CONFLICT"). */
  deliveriesUnknownReason?: string;
  /** Rows the engine wrote to its dead-letter table. */
  deadLetteredRows: number;
}

/** Completeness of one engine (docs/measurement.md#completeness). */
export interface CompletenessReport {
  /** Events acknowledged by Kafka. */
  producedRows: number;
  /** Distinct rows committed. */
  committedDistinctRows: number;
  /** Produced but not committed (dead-lettered rows are among them). */
  missingRows: number;
  /** Deliveries beyond the first of a row (deliveries − committed distinct); null when unknown. */
  duplicateDeliveries: number | null;
  /** Why duplicate deliveries are unknown; null when known. */
  duplicateDeliveriesUnknownReason: string | null;
  /** Rows in the dead-letter table. */
  deadLetteredRows: number;
  /** committed / produced; null when nothing was produced. */
  committedFraction: number | null;
  /** Whether produced = committed + missing holds with non-negative terms. */
  balanced: boolean;
  /** What does not add up; empty when balanced. */
  problems: string[];
}

/**
 * Completeness from counts: missing = produced − committed (unless measured), duplicate deliveries =
 * deliveries − committed distinct, committed fraction = committed / produced; checks produced = committed +
 * missing, missing ≥ 0 and deliveries ≥ committed.
 */
export function assessCompleteness(counts: CompletenessCounts): CompletenessReport {
  const { producedRows, committedDistinctRows, deliveries, deadLetteredRows } = counts;
  const missingRows = counts.missingRows ?? producedRows - committedDistinctRows;
  const problems: string[] = [];
  if (producedRows !== committedDistinctRows + missingRows) {
    problems.push(
      `produced (${producedRows}) ≠ committed (${committedDistinctRows}) + missing (${missingRows})`,
    );
  }
  if (missingRows < 0 || committedDistinctRows > producedRows) {
    problems.push(
      `${committedDistinctRows - producedRows} more rows committed than produced: rows of another run, or ` +
        'the producer lost count of acknowledgements',
    );
  }
  if (deliveries !== null && deliveries < committedDistinctRows) {
    problems.push(`the engine counted ${deliveries} deliveries for ${committedDistinctRows} committed rows`);
  }
  return {
    producedRows,
    committedDistinctRows,
    missingRows,
    duplicateDeliveries: deliveries === null ? null : Math.max(0, deliveries - committedDistinctRows),
    duplicateDeliveriesUnknownReason:
      deliveries === null
        ? (counts.deliveriesUnknownReason ?? 'the engine does not count its deliveries')
        : null,
    deadLetteredRows,
    committedFraction: producedRows === 0 ? null : committedDistinctRows / producedRows,
    balanced: problems.length === 0,
    problems,
  };
}
