import type { Engine } from '../config/defaults.js';
import { assessSustainability, type SustainabilityVerdict } from '../metrics/throughput.js';
import { note, type ProgressOptions } from '../render/progress.js';
import type { RunRecord } from '../results/record.js';
import type { MaxRateResult } from '../results/sweep-record.js';
import { startJobs, stopJobs } from '../runtime/stack.js';
import type { SweepOptions } from './options.js';
import type { SweepPoint } from './sweep-plan.js';

/** How much the p50 trend may rise over the window before latency "keeps rising" (50% of its level). */
export const MAX_RISE_FRACTION = 0.5;

/** Bisection steps after the doubling phase has bracketed an engine's limit. */
const REFINE_STEPS = 2;

/** An engine's verdict on one run: sustainable only when it kept up, drained everything, and stayed under the bound. */
export function verdictOf(run: RunRecord, engine: Engine, sloP99Us: number): SustainabilityVerdict {
  const result = run.engines[engine];
  const window = run.window;
  const perSecond = run.timeseries
    .filter((point) => window && point.startUs >= window.startUs && point.startUs < window.endUs)
    .map((point) => point.engines[engine]?.p50Us ?? null);
  const verdict = assessSustainability(perSecond, result?.latency?.p99Us ?? null, {
    p99BoundUs: sloP99Us,
    maxRiseFraction: MAX_RISE_FRACTION,
  });
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
 * Each engine's sustainable throughput: rates double from the minimum until an engine no longer keeps up
 * (it is then stopped, so its backlog does not slow the others), then each bracket [last good, first bad] is
 * halved REFINE_STEPS times with that engine alone. The search stops early, and says so, when the producer
 * itself cannot offer the rate (the run is invalid): past that point nothing about the engines is known.
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
  const tryRate = async (rate: number, engines: Engine[]): Promise<RunRecord | undefined> => {
    note(`Trying ${rate} events/s on ${engines.join(', ')}`, progress);
    const point: SweepPoint = {
      index: 0,
      rateEventsPerSec: rate,
      settings: options.stack.jobs,
      labels: { spark: '', flink: '', baseline: '' },
    };
    const run = (await measure(point, engines))[0];
    for (const engine of engines) {
      const result = results[engine] as MaxRateResult;
      if (!run || run.status === 'invalid' || run.status === 'interrupted') {
        result.steps.push({
          rateEventsPerSec: rate,
          sustainable: null,
          runId: run?.runId ?? null,
          reasons: run?.statusReasons ?? ['no run'],
        });
        continue;
      }
      const verdict = verdictOf(run, engine, options.sloP99Us);
      result.steps.push({
        rateEventsPerSec: rate,
        sustainable: verdict.sustainable,
        runId: run.runId,
        reasons: verdict.reasons,
      });
      if (verdict.sustainable)
        result.sustainableRateEventsPerSec = Math.max(result.sustainableRateEventsPerSec ?? 0, rate);
      else
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
      const run = await tryRate(rate, active);
      if (!run || run.status !== 'complete') {
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
    await refine(options, results, tryRate);
  } finally {
    await restartAll(options);
  }
  return results;
}

async function refine(
  options: SweepOptions,
  results: Partial<Record<Engine, MaxRateResult>>,
  tryRate: (rate: number, engines: Engine[]) => Promise<RunRecord | undefined>,
): Promise<void> {
  for (const engine of options.stack.engines) {
    const result = results[engine] as MaxRateResult;
    if (result.sustainableRateEventsPerSec === null || result.firstUnsustainableRateEventsPerSec === null)
      continue;
    const others = options.stack.engines.filter((e) => e !== engine);
    await stopJobs(options.stack.stateDir, others);
    await startJobs(options.stack.stateDir, [engine], { timeoutMs: options.stack.upTimeoutMs });
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
