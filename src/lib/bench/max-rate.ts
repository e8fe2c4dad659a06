import type { Engine } from '../config/defaults.js';
import { partitionsOf } from '../config/stack-config.js';
import {
  assessSustainability,
  MAX_BACKLOG_GROWTH_FRACTION,
  type SustainabilityVerdict,
} from '../metrics/throughput.js';
import { note, type ProgressOptions } from '../render/progress.js';
import type { RunRecord, TimeseriesPoint } from '../results/record.js';
import type { MaxRateResult, MaxRateStep, RunVerdict } from '../results/sweep-record.js';
import { startJobs, stopJobs } from '../runtime/stack.js';
import type { SweepOptions } from './options.js';
import type { SweepPoint } from './sweep-plan.js';

/** Bisection steps after the doubling phase has bracketed an engine's limit. */
const REFINE_STEPS = 2;

/**
 * An engine's verdict on one run ({@link assessSustainability} over the window's whole seconds: committed
 * rate, backlog growth, p99 under the SLO); rows never committed by the end of the drain make it unsustainable.
 */
export function verdictOf(run: RunRecord, engine: Engine, sloP99Us: number): SustainabilityVerdict {
  const result = run.engines[engine];
  const window = run.window;
  const inWindow = (point: TimeseriesPoint) =>
    window !== null && point.startUs >= window.startUs && point.startUs + 1_000_000 <= window.endUs;
  const first = run.timeseries.findIndex(inWindow);
  const seconds = run.timeseries.filter(inWindow);
  const before = first > 0 ? run.timeseries[first - 1]?.engines[engine]?.backlogEvents : 0;
  const backlog = seconds.map((point) => point.engines[engine]?.backlogEvents);
  const known = before !== undefined && backlog.every((b) => b !== undefined);
  const verdict = assessSustainability(
    {
      backlogEvents: known ? (backlog as number[]) : [],
      backlogAtStartEvents: before ?? 0,
      committedEvents: known ? seconds.map((p) => p.engines[engine]?.committedRateEventsPerSec ?? 0) : [],
      p50Us: result?.latency?.p50Us ?? null,
      p99Us: result?.latency?.p99Us ?? null,
    },
    { sloP99Us, maxGrowthFraction: MAX_BACKLOG_GROWTH_FRACTION },
  );
  if (!known) verdict.reasons.unshift('the run has no backlog series (written by an older crypto-bench)');
  const missing = result?.completeness?.missingRows ?? 0;
  if (missing > 0) {
    return {
      ...verdict,
      sustainable: false,
      reasons: [...verdict.reasons, `${missing} rows were not committed by the end of the drain`],
    };
  }
  return verdict;
}

/**
 * Whether a run offered the load it was asked for (Kafka took every event, schedule-lag p99 within its bound):
 * only then does it say anything about the engines. A run invalid for want of a steady state still does.
 */
export function offeredAsAsked(run: RunRecord | undefined): boolean {
  const producer = run?.producer;
  if (!run || run.status === 'interrupted' || !producer) return false;
  const bound = run.config.scheduleLagP99BoundUs;
  return producer.failedEvents === 0 && (bound === null || (producer.scheduleLag.p99Us ?? 0) <= bound);
}

/**
 * The step of one engine at one rate: the first run's verdict, confirmed by `repeat()` when it lies near the
 * boundary. A verdict the repeat contradicts is not sustainable: a sustainable rate must hold both times.
 *
 * `coldStart`: the engine's jobs were (re)started since its last step (the search's first point, or the first
 * after the engine was stopped and started again), so this run may have met them cold — JIT, caches, the
 * first fetches. A "not sustainable" there is repeated, and the repeat decides: a fresh start is not the
 * engine's capacity, so the search never calls an engine below a rate on the strength of a cold run alone.
 */
export async function judgeStep(
  rate: number,
  run: RunRecord,
  engine: Engine,
  sloP99Us: number,
  repeat: () => Promise<RunRecord | undefined>,
  coldStart = false,
): Promise<MaxRateStep> {
  const first: RunVerdict = { runId: run.runId, ...verdictOf(run, engine, sloP99Us) };
  const step: MaxRateStep = {
    rateEventsPerSec: rate,
    sustainable: first.sustainable,
    runId: run.runId,
    reasons: [...first.reasons],
    verdicts: [first],
  };
  if (coldStart && !first.sustainable) return judgeAfterColdStart(step, engine, sloP99Us, repeat);
  if (!first.nearBoundary) return step;
  const second = await repeatedVerdict(step, engine, sloP99Us, repeat);
  if (!second) {
    step.reasons.push('near the boundary, but the repeat could not offer the load: not confirmed');
    return step;
  }
  if (second.sustainable === first.sustainable) {
    step.reasons.push(`near the boundary: confirmed by a repeat (${second.runId})`);
  } else {
    step.sustainable = false;
    step.reasons.push(
      `near the boundary, and the repeat (${second.runId}) gave ${second.sustainable ? 'sustainable' : `not sustainable: ${second.reasons.join('; ')}`}: not sustainable both times`,
    );
  }
  return step;
}

/** The repeat's verdict, added to the step's verdicts; undefined when the repeat could not offer the load. */
async function repeatedVerdict(
  step: MaxRateStep,
  engine: Engine,
  sloP99Us: number,
  repeat: () => Promise<RunRecord | undefined>,
): Promise<RunVerdict | undefined> {
  const again = await repeat();
  if (!again || !offeredAsAsked(again)) return undefined;
  const verdict: RunVerdict = { runId: again.runId, ...verdictOf(again, engine, sloP99Us) };
  step.verdicts?.push(verdict);
  return verdict;
}

async function judgeAfterColdStart(
  step: MaxRateStep,
  engine: Engine,
  sloP99Us: number,
  repeat: () => Promise<RunRecord | undefined>,
): Promise<MaxRateStep> {
  const second = await repeatedVerdict(step, engine, sloP99Us, repeat);
  if (!second) {
    step.reasons.push('on jobs just started, and the repeat could not offer the load: not confirmed');
    return step;
  }
  step.sustainable = second.sustainable;
  step.runId = second.runId;
  step.reasons = second.sustainable
    ? [
        `sustainable in the repeat (${second.runId}); the first run, on jobs just started, was not: ${step.reasons.join('; ')}`,
      ]
    : [
        ...second.reasons,
        `confirmed by a repeat: the first run, on jobs just started, was not sustainable either`,
      ];
  return step;
}

/**
 * Each engine's sustainable throughput: rates double from the minimum until an engine no longer keeps up
 * (it is then stopped, so its backlog does not slow the others), then each bracket [last good, first bad] is
 * halved REFINE_STEPS times with that engine alone. An engine's first point after its jobs were started (the
 * search's first, and the first of its refinement, which restarts it) is repeated when it fails
 * ({@link judgeStep}'s cold start). A rate the producer could not offer (the run is invalid) is
 * tried once more; when it fails again the search stops, and says so: past that point nothing about the engines
 * is known.
 */
export async function findMaxRates(
  options: SweepOptions,
  measure: (point: SweepPoint, engines: Engine[]) => Promise<RunRecord[]>,
  save: (results: Partial<Record<Engine, MaxRateResult>>) => Promise<unknown>,
  progress: ProgressOptions,
): Promise<Partial<Record<Engine, MaxRateResult>>> {
  const results: Partial<Record<Engine, MaxRateResult>> = {};
  for (const engine of options.stack.engines) {
    results[engine] = {
      sustainableRateEventsPerSec: null,
      firstUnsustainableRateEventsPerSec: null,
      steps: [],
    };
  }
  // Every engine may be cold at the first point: `up`, or a previous search's restart, may just have started it.
  const coldEngines = new Set<Engine>(options.stack.engines);
  const tryRate = async (rate: number, engines: Engine[]): Promise<RunRecord | undefined> => {
    note(`Trying ${rate} events/s on ${engines.join(', ')}`, progress);
    const point: SweepPoint = {
      index: 0,
      rateEventsPerSec: rate,
      partitions: partitionsOf(options.stack),
      settings: options.stack.jobs,
      labels: { spark: '', flink: '', baseline: '' },
    };
    const run = (await measure(point, engines))[0];
    // One repeat per rate at most, shared by every engine near its boundary (same engines, same conditions).
    let repeated: Promise<RunRecord | undefined> | undefined;
    const repeat = () => {
      note(`Repeating ${rate} events/s: a verdict is near the boundary`, progress);
      repeated ??= measure(point, engines).then((runs) => runs[0]);
      return repeated;
    };
    for (const engine of engines) {
      const result = results[engine] as MaxRateResult;
      const step =
        run && offeredAsAsked(run)
          ? await judgeStep(rate, run, engine, options.sloP99Us, repeat, coldEngines.has(engine))
          : {
              rateEventsPerSec: rate,
              sustainable: null,
              runId: run?.runId ?? null,
              reasons: run?.statusReasons ?? ['no run'],
            };
      result.steps.push(step);
      // A point that could not be offered judged nothing: the engine may still be cold at the next one.
      if (step.sustainable !== null) coldEngines.delete(engine);
      if (step.sustainable === true)
        result.sustainableRateEventsPerSec = Math.max(result.sustainableRateEventsPerSec ?? 0, rate);
      else if (step.sustainable === false)
        result.firstUnsustainableRateEventsPerSec = Math.min(
          result.firstUnsustainableRateEventsPerSec ?? Infinity,
          rate,
        );
    }
    await save(results);
    return run;
  };
  try {
    let active = [...options.stack.engines];
    for (
      let rate = options.minRateEventsPerSec;
      active.length > 0 && rate <= options.maxRateEventsPerSec;
      rate *= 2
    ) {
      if (options.signal.aborted) return results;
      let run = await tryRate(rate, active);
      if (!offeredAsAsked(run) && run?.status !== 'interrupted' && !options.signal.aborted) {
        // A load the producer could not offer once (a stall of the shared machine) is tried once more before the
        // search gives up: both attempts stay in the steps.
        note(`${rate} events/s was not offered as asked; trying it once more`, progress);
        run = await tryRate(rate, active);
      }
      if (!offeredAsAsked(run)) {
        note(
          `Stopping the search at ${rate} events/s: ${run?.statusReasons.join('; ') ?? 'no run was made'}`,
          progress,
        );
        break;
      }
      const failed = active.filter((engine) => results[engine]?.firstUnsustainableRateEventsPerSec === rate);
      if (failed.length > 0) await stopJobs(options.stack.stateDir, failed);
      active = active.filter((engine) => !failed.includes(engine));
    }
    await refine(options, results, tryRate, (engine) => coldEngines.add(engine));
  } finally {
    await restartAll(options);
  }
  return results;
}

async function refine(
  options: SweepOptions,
  results: Partial<Record<Engine, MaxRateResult>>,
  tryRate: (rate: number, engines: Engine[]) => Promise<RunRecord | undefined>,
  started: (engine: Engine) => void,
): Promise<void> {
  for (const engine of options.stack.engines) {
    const result = results[engine] as MaxRateResult;
    if (result.sustainableRateEventsPerSec === null || result.firstUnsustainableRateEventsPerSec === null)
      continue;
    const others = options.stack.engines.filter((e) => e !== engine);
    await stopJobs(options.stack.stateDir, others);
    await startJobs(options.stack.stateDir, [engine], { timeoutMs: options.stack.upTimeoutMs });
    started(engine);
    for (let step = 0; step < REFINE_STEPS && !options.signal.aborted; step++) {
      const good = result.sustainableRateEventsPerSec as number;
      const bad = result.firstUnsustainableRateEventsPerSec as number;
      const mid = Math.round((good + bad) / 2 / 100) * 100;
      if (mid <= good || mid >= bad) break;
      await tryRate(mid, [engine]);
    }
  }
}

async function restartAll(options: SweepOptions): Promise<void> {
  await startJobs(options.stack.stateDir, options.stack.engines, { timeoutMs: options.stack.upTimeoutMs });
}
