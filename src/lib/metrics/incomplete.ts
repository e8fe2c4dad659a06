import type { CompletenessReport } from './completeness.js';

/**
 * When a run is complete (docs/measurement.md#run-status): only when every engine committed every event produced. An engine
 * whose job died, that lost events, or that did not drain in time makes the run `incomplete`; its latency
 * figures then cover only the rows that arrived (survivorship: the rows that never arrived would have been the
 * slowest), and every place that shows them says so.
 */

/** What is known about one engine at the end of a run, after the drain. */
export interface EngineEndState {
  /** Produced / committed / missing counts over the whole run; null when they could not be read. */
  completeness: CompletenessReport | null;
  /** True when the engine had committed everything produced before the drain timeout passed. */
  drained: boolean;
  /** The drain timeout the engine was given, ms. */
  drainTimeoutMs: number;
  /** Parts of the engine's job that were not running when the run ended, e.g. `['flink']`; empty when all ran. */
  deadParts: string[];
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * Why an engine makes the run incomplete, one sentence each; empty when it committed everything and runs.
 * Reasons: its job is dead at the end, it did not drain within the timeout, events are missing after the drain,
 * or its rows could not be counted at all.
 */
export function incompleteReasons(end: EngineEndState): string[] {
  const reasons: string[] = [];
  if (end.deadParts.length > 0) {
    reasons.push(`died: ${end.deadParts.join(', ')} not running at the end of the run`);
  }
  const c = end.completeness;
  if (c === null) {
    reasons.push('its rows could not be counted, so nothing says it committed every event');
    return reasons;
  }
  if (!end.drained) {
    reasons.push(
      `did not drain: not every event was committed within the ${end.drainTimeoutMs / 1000}s drain timeout`,
    );
  }
  if (c.missingRows > 0) {
    reasons.push(
      `lost events: committed ${count(c.committedDistinctRows)} of ${count(c.producedRows)} events (${count(c.missingRows)} missing)`,
    );
  }
  return reasons;
}

/**
 * What an incomplete engine's latency figures cover, e.g. "over 12,159 of 30,000 events (the 17,841 that never
 * arrived are not in them)"; null for a complete engine or when the counts are unknown.
 */
export function survivorshipNote(
  completeness: CompletenessReport | null,
  reasons: readonly string[] | undefined,
): string | null {
  if (!reasons || reasons.length === 0 || completeness === null) return null;
  const { committedDistinctRows, producedRows, missingRows } = completeness;
  if (missingRows <= 0) return null;
  return `over ${count(committedDistinctRows)} of ${count(producedRows)} events (the ${count(missingRows)} that never arrived are not in them)`;
}

/** Inputs of the run status rule. */
export interface StatusInputs {
  /** Stopped by the user (Ctrl-C). */
  interrupted: boolean;
  /** The load asked for was not offered (producer behind, sends failed, nothing produced). */
  invalid: boolean;
  /** Some engine has an incomplete reason. */
  incomplete: boolean;
}

/** The status rule of the shared contract: interrupted > invalid > incomplete > complete. */
export function runStatusOf(inputs: StatusInputs): 'interrupted' | 'invalid' | 'incomplete' | 'complete' {
  if (inputs.interrupted) return 'interrupted';
  if (inputs.invalid) return 'invalid';
  if (inputs.incomplete) return 'incomplete';
  return 'complete';
}
