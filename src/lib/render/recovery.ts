import type { Engine } from '../config/defaults.js';
import { summarizeRepeats } from '../metrics/repeats.js';
import type { FaultRecord } from '../results/fault-record.js';
import type { RunRecord } from '../results/record.js';
import { formatValue } from './compare.js';

/**
 * The recovery table of `compare` and the report: one row per (fault, engine hit), the median over the runs
 * given (a `--repeat` series injects the same faults in every run) with the number of runs behind it.
 */

/** Header of the recovery table. */
export const RECOVERY_HEAD = [
  'fault',
  'engine',
  'runs',
  'downtime',
  'recovery',
  'peak p99',
  'delayed events',
  'lost events',
  'duplicates',
];

/** The recovery rows of these runs; empty when no run had a fault. */
export function recoveryRows(runs: readonly RunRecord[]): string[][] {
  const keys: { text: string; engine: Engine }[] = [];
  for (const run of runs) {
    for (const fault of run.faults ?? []) {
      for (const engine of Object.keys(fault.recovery) as Engine[]) {
        if (!keys.some((k) => k.text === fault.text && k.engine === engine))
          keys.push({ text: fault.text, engine });
      }
    }
  }
  return keys.map(({ text, engine }) => {
    const hits = runs.flatMap((run) =>
      (run.faults ?? [])
        .filter((f) => f.text === text && f.recovery[engine])
        .map((fault) => ({ run, fault })),
    );
    const median = (read: (fault: FaultRecord, run: RunRecord) => number | null) =>
      summarizeRepeats(hits.map(({ fault, run }) => read(fault, run))).median;
    const recovered = hits.filter(({ fault }) => fault.recovery[engine]?.recoveryUs !== null).length;
    // A run in which nothing produced after the fault was committed has no downtime figure: its outage lasted
    // past the run. Left out of the median, it would make the downtime look shorter than it was.
    const back = hits.filter(({ fault }) => fault.recovery[engine]?.downtimeUs !== null).length;
    const duplicates = median((_, run) => run.engines[engine]?.completeness?.duplicateDeliveries ?? null);
    return [
      text,
      engine,
      String(hits.length),
      back < hits.length
        ? `no commit after it in ${hits.length - back} of ${hits.length}`
        : formatValue(
            median((f) => f.recovery[engine]?.downtimeUs ?? null),
            'us',
          ),
      recovered < hits.length
        ? `not recovered in ${hits.length - recovered} of ${hits.length}`
        : formatValue(
            median((f) => f.recovery[engine]?.recoveryUs ?? null),
            'us',
          ),
      formatValue(
        median((f) => f.recovery[engine]?.peakP99Us ?? null),
        'us',
      ),
      formatValue(
        median((f) => f.recovery[engine]?.delayedEvents ?? null),
        'rows',
      ),
      formatValue(
        median((_, run) => run.engines[engine]?.completeness?.missingRows ?? null),
        'rows',
      ),
      duplicates === null ? 'unknown' : formatValue(duplicates, 'rows'),
    ];
  });
}

/**
 * Lines under a run's heading: each fault as planned and injected, with what its recovery figures need said
 * (a figure left out and why, an outage that came late), and each restart during the run.
 */
export function faultLines(run: RunRecord): string[] {
  const start = run.timeseries[0]?.startUs ?? Date.parse(run.startedAt) * 1000;
  const at = (us: number) => `${((us - start) / 1e6).toFixed(3)}s`;
  const lines = (run.faults ?? []).flatMap((fault) => {
    const when = fault.injectedAtUs === null ? 'not reached' : `at ${at(fault.injectedAtUs)}`;
    const resumed = fault.resumedAtUs === null ? '' : `, resumed at ${at(fault.resumedAtUs)}`;
    return [
      `  fault ${fault.text}: ${fault.outcome} ${when}${resumed} (${fault.detail})`,
      ...Object.entries(fault.recovery).flatMap(([engine, recovery]) =>
        (recovery?.notes ?? []).map((note) => `    ${engine}: ${note}`),
      ),
    ];
  });
  for (const restart of run.restarts ?? []) {
    lines.push(
      `  restart of ${restart.service} at ${at(restart.atUs)} (#${restart.attempt}; before: ${restart.exitReason})`,
    );
  }
  return lines;
}
