import { DEFAULTS, type Engine } from '../config/defaults.js';
import { assertJobSettings, type JobSettings } from '../config/stack-config.js';
import { describe } from '../errors.js';
import { note, type ProgressOptions } from '../render/progress.js';
import { renderSweepReport } from '../render/report.js';
import type { RunRecord } from '../results/record.js';
import { newRunId } from '../results/run-id.js';
import {
  writeSweep,
  type PointStatus,
  type SweepPointRecord,
  type SweepRecord,
} from '../results/sweep-record.js';
import { checkFaults, downStack } from '../runtime/stack.js';
import { findMaxRates } from './max-rate.js';
import { ensureStack, settingsInForce } from './ensure-stack.js';
import type { RunOptions, SweepOptions } from './options.js';
import { runBenchmark } from './run.js';
import { resolveWorkloadAt } from './workload.js';
import type { SourceConfig } from '../producer/sources.js';
import { planScales, planSweep, type SweepPoint } from './sweep-plan.js';
import {
  applyScale,
  checkScales,
  coversScales,
  partitionsNow,
  restoreScale,
  scaleLabel,
  searchScales,
} from './sweep-scale.js';

/** What `sweep` returns (the `--json` shape). */
export interface SweepOutcome {
  /** The saved sweep. */
  sweep: SweepRecord;
  /** Every run it made, by id. */
  runs: Record<string, RunRecord>;
}

/**
 * Measures the same synthetic workload at every point: only the jobs whose setting changed are restarted, each
 * point is saved as ordinary runs (fresh run ids) and listed in `results/<sweep-id>/sweep.json`, written after
 * every point. A point that fails is recorded with its reason and the sweep goes on. The jobs get the stack's
 * own settings back at the end.
 */
export async function runSweep(given: SweepOptions, progress: ProgressOptions): Promise<SweepOutcome> {
  // Every point's settings and scale must be able to run, checked before anything starts.
  const base = settingsInForce(given.stack, given.jobOverrides ?? {});
  for (const point of planSweep(given.axes, base, partitionsNow(given.stack)))
    assertJobSettings(point.settings);
  const scales = planScales(given.axes, base, partitionsNow(given.stack));
  checkScales(given, scales);
  // --producers and --symbols must fit every rate and partition count the sweep will offer, before anything starts.
  const rates = given.findMaxRate
    ? [given.minRateEventsPerSec]
    : given.axes.ratesEventsPerSec.length > 0
      ? given.axes.ratesEventsPerSec
      : [1000];
  for (const partitions of new Set(scales.map((scale) => scale.partitions)))
    for (const rate of rates)
      resolveWorkloadAt(partitions, { ...given, source: syntheticSource(given, rate, given.durationMs) });
  if (given.faults?.length) checkFaults(given.stack.stateDir, given.faults, given.durationMs);
  const { stack, startedStack } = await ensureStack(given.stack, progress, given.jobOverrides);
  // What is not swept stays as the running stack has it, and is restored to that at the end.
  const options = { ...given, stack };
  const stackPartitions = partitionsNow(stack);
  const sweep: SweepRecord = {
    schemaVersion: 1,
    sweepId: newRunId(),
    startedAt: new Date().toISOString(),
    endedAt: null,
    config: {
      engines: options.stack.engines,
      durationMs: options.durationMs,
      repeat: options.repeat,
      isolate: options.isolate,
      sloP99Us: options.findMaxRate ? options.sloP99Us : null,
    },
    points: [],
    maxRate: null,
    interrupted: false,
  };
  const runs: Record<string, RunRecord> = {};
  const measure = async (point: SweepPoint, engines: Engine[]): Promise<RunRecord[]> => {
    const outcome = await runBenchmark(pointOptions(options, point, engines), progress);
    for (const run of outcome.runs) runs[run.runId] = run;
    return outcome.runs;
  };
  let current = options.stack.jobs;
  try {
    if (options.findMaxRate && coversScales(options)) {
      current = await searchScales(
        options,
        sweep,
        measure,
        () => writeSweep(options.resultsDir, sweep),
        progress,
      );
    } else if (options.findMaxRate) {
      sweep.maxRate = await findMaxRates(
        options,
        measure,
        (s) => writeSweep(options.resultsDir, { ...sweep, maxRate: s }),
        progress,
      );
    } else {
      for (const point of planSweep(options.axes, options.stack.jobs, stackPartitions)) {
        if (options.signal.aborted) break;
        const scale = coversScales(options)
          ? `; ${scaleLabel(point.partitions, point.settings, options.stack.engines)}`
          : '';
        note(
          `Point ${point.index + 1}: ${point.rateEventsPerSec} events/s; spark ${point.labels.spark}; flink ${point.labels.flink}${scale}`,
          progress,
        );
        sweep.points.push(await runPoint(options, point, current, measure));
        current = point.settings;
        await writeSweep(options.resultsDir, sweep);
      }
    }
  } finally {
    sweep.interrupted = options.signal.aborted;
    sweep.endedAt = new Date().toISOString();
    await writeSweep(options.resultsDir, sweep, renderSweepReport(sweep, runs));
    if (startedStack) await downStack(options.stack.stateDir, { volumes: false });
    else await restoreScale(options.stack, stackPartitions, current, progress);
  }
  return { sweep, runs };
}

async function runPoint(
  options: SweepOptions,
  point: SweepPoint,
  current: JobSettings,
  measure: (point: SweepPoint, engines: Engine[]) => Promise<RunRecord[]>,
): Promise<SweepPointRecord> {
  const record: SweepPointRecord = { ...point, runIds: [], status: 'complete', reasons: [] };
  try {
    await applyScale(options, point, current);
    const made = await measure(point, options.stack.engines);
    record.runIds = made.map((run) => run.runId);
    record.status = worstStatus(made.map((run) => run.status));
    record.reasons = made.flatMap((run) => run.statusReasons);
  } catch (error) {
    record.status = 'failed';
    record.reasons = [describe(error)];
  }
  return record;
}

/** The run options of one point: a synthetic source at the point's rate, the point's job settings. */
export function pointOptions(options: SweepOptions, point: SweepPoint, engines: Engine[]): RunOptions {
  return {
    ...options,
    stack: { ...options.stack, engines, jobs: point.settings, partitions: point.partitions },
    partitions: point.partitions,
    source: syntheticSource(options, point.rateEventsPerSec, options.durationMs),
  };
}

/** The sweep's synthetic source at one rate (its symbols are filled in by `resolveWorkload`). */
function syntheticSource(options: SweepOptions, rateEventsPerSec: number, durationMs: number): SourceConfig {
  return { kind: 'synthetic', pairs: [...DEFAULTS.pairs], rateEventsPerSec, seed: options.seed, durationMs };
}

function worstStatus(statuses: string[]): PointStatus {
  for (const status of ['failed', 'interrupted', 'invalid', 'incomplete'] as const)
    if (statuses.includes(status)) return status;
  return 'complete';
}
