import type { DeliveryGuarantee, Engine, StateBackend } from '../config/defaults.js';
import type { SparkTrigger } from '../config/lists.js';
import type { JobSettings } from '../config/stack-config.js';
import { baselineLabel, flinkLabel, sparkLabel } from '../render/settings.js';

/** The lists a sweep was asked to cover; an empty list leaves that setting at the stack's value. */
export interface SweepAxes {
  /** Offered rates, events/s. */
  ratesEventsPerSec: number[];
  /** Spark triggers. */
  sparkTriggers: SparkTrigger[];
  /** Flink network buffer timeouts, ms. */
  flinkBufferTimeoutsMs: number[];
  /** Flink JDBC batch sizes, rows. */
  flinkBatchSizes: number[];
  /** Flink JDBC batch intervals, ms. */
  flinkBatchIntervalsMs: number[];
  /** Delivery guarantees (every engine); absent = not swept. */
  deliveries?: DeliveryGuarantee[];
  /** State backends (Spark and Flink); absent = not swept. */
  stateBackends?: StateBackend[];
  /** Flink checkpoint intervals, ms; absent = not swept. */
  checkpointIntervalsMs?: number[];
}

/** One point of a sweep: a rate and the job settings in force. */
export interface SweepPoint {
  /** 0-based position in the sweep. */
  index: number;
  /** Offered rate, events/s. */
  rateEventsPerSec: number;
  /** Job settings at this point. */
  settings: JobSettings;
  /** Label of each engine's setting at this point, e.g. spark "trigger 5s", flink "buffer 100ms, batch 1000/200ms". */
  labels: Record<Engine, string>;
}

/**
 * The points of a sweep. Spark's triggers and Flink's settings (every combination of buffer timeout, batch size
 * and batch interval) are independent, so they advance together: point k sets Spark to its k-th trigger and
 * Flink to its k-th combination; the shorter list stays at its last value. Settings of several engines (delivery
 * guarantee, state backend) and Flink's checkpoint interval are crossed: each combination repeats that sequence,
 * and each rate repeats all of it. Consecutive points thus change as few jobs as possible, and every engine is
 * measured at every point.
 */
export function planSweep(axes: SweepAxes, base: JobSettings): SweepPoint[] {
  const sparkSettings = axes.sparkTriggers.map((trigger): Partial<JobSettings> =>
    trigger === 'realtime' ? { sparkRealtime: true } : { sparkRealtime: false, sparkTriggerMs: trigger },
  );
  const flinkSettings = combinations(axes, base);
  const steps = Math.max(sparkSettings.length, flinkSettings.length, 1);
  const rates = axes.ratesEventsPerSec.length > 0 ? axes.ratesEventsPerSec : [1000];
  const points: SweepPoint[] = [];
  for (const rateEventsPerSec of rates) {
    for (const shared of sharedCombinations(axes, base)) {
      for (let step = 0; step < steps; step++) {
        const settings: JobSettings = {
          ...base,
          ...shared,
          ...(sparkSettings[Math.min(step, sparkSettings.length - 1)] ?? {}),
          ...(flinkSettings[Math.min(step, flinkSettings.length - 1)] ?? {}),
        };
        points.push({
          index: points.length,
          rateEventsPerSec,
          settings,
          labels: {
            spark: sparkLabel(settings),
            flink: flinkLabel(settings),
            baseline: baselineLabel(settings),
          },
        });
      }
    }
  }
  return points;
}

/** Every combination of delivery guarantee, state backend and checkpoint interval asked for (one when none). */
function sharedCombinations(axes: SweepAxes, base: JobSettings): Partial<JobSettings>[] {
  const deliveries = axes.deliveries?.length ? axes.deliveries : [base.delivery];
  const backends = axes.stateBackends?.length ? axes.stateBackends : [base.stateBackend];
  const intervals = axes.checkpointIntervalsMs?.length
    ? axes.checkpointIntervalsMs
    : [base.flinkCheckpointIntervalMs];
  return deliveries.flatMap((delivery) =>
    backends.flatMap((stateBackend) =>
      intervals.map((flinkCheckpointIntervalMs) => ({ delivery, stateBackend, flinkCheckpointIntervalMs })),
    ),
  );
}

function combinations(axes: SweepAxes, base: JobSettings): Partial<JobSettings>[] {
  const timeouts =
    axes.flinkBufferTimeoutsMs.length > 0 ? axes.flinkBufferTimeoutsMs : [base.flinkBufferTimeoutMs];
  const sizes = axes.flinkBatchSizes.length > 0 ? axes.flinkBatchSizes : [base.flinkBatchSize];
  const intervals =
    axes.flinkBatchIntervalsMs.length > 0 ? axes.flinkBatchIntervalsMs : [base.flinkBatchIntervalMs];
  const swept =
    axes.flinkBufferTimeoutsMs.length + axes.flinkBatchSizes.length + axes.flinkBatchIntervalsMs.length > 0;
  if (!swept) return [];
  return timeouts.flatMap((flinkBufferTimeoutMs) =>
    sizes.flatMap((flinkBatchSize) =>
      intervals.map((flinkBatchIntervalMs) => ({
        flinkBufferTimeoutMs,
        flinkBatchSize,
        flinkBatchIntervalMs,
      })),
    ),
  );
}
