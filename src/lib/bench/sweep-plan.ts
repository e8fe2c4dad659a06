import { DEFAULTS, type DeliveryGuarantee, type Engine, type StateBackend } from '../config/defaults.js';
import type { Parallelism, SparkTrigger } from '../config/lists.js';
import { mergeJobSettings, type JobSettings } from '../config/stack-config.js';
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
  /**
   * Parallelism at each scale step (`--parallelism`, see `parallelismPoints`): the engines named get it, the
   * others keep the stack's; absent or empty = not swept.
   */
  parallelisms?: Partial<Parallelism>[];
  /** Partition counts of the topic (`--partitions`), each a new topic; absent or empty = the stack's. */
  partitions?: number[];
}

/** One scale of a sweep: the topic's partitions and the job settings with the parallelism at that scale. */
export interface SweepScale {
  /** Partitions of the topic. */
  partitions: number;
  /** The base settings with this scale's parallelism. */
  settings: JobSettings;
}

/** One point of a sweep: a rate and the job settings in force. */
export interface SweepPoint {
  /** 0-based position in the sweep. */
  index: number;
  /** Offered rate, events/s. */
  rateEventsPerSec: number;
  /** Partitions of the topic at this point. */
  partitions: number;
  /** Job settings at this point (their `parallelism` is the point's). */
  settings: JobSettings;
  /** Label of each engine's setting at this point, e.g. spark "trigger 5s", flink "buffer 100ms, batch 1000/200ms". */
  labels: Record<Engine, string>;
}

/**
 * The points of a sweep. Spark's triggers and Flink's settings (every combination of buffer timeout, batch size
 * and batch interval) are independent, so they advance together: point k sets Spark to its k-th trigger and
 * Flink to its k-th combination; the shorter list stays at its last value. Settings of several engines (delivery
 * guarantee, state backend) and Flink's checkpoint interval are crossed: each combination repeats that sequence,
 * and each rate repeats all of it. The scale is outermost ({@link planScales}): each partition count, and within
 * it each parallelism, repeats everything else, since a new partition count means a new topic and every job
 * restarted. Consecutive points thus change as few jobs as possible, and every engine is measured at every point.
 */
export function planSweep(
  axes: SweepAxes,
  base: JobSettings,
  basePartitions: number = DEFAULTS.topicPartitions,
): SweepPoint[] {
  const sparkSettings = axes.sparkTriggers.map((trigger): Partial<JobSettings> =>
    trigger === 'realtime' ? { sparkRealtime: true } : { sparkRealtime: false, sparkTriggerMs: trigger },
  );
  const flinkSettings = combinations(axes, base);
  const steps = Math.max(sparkSettings.length, flinkSettings.length, 1);
  const rates = axes.ratesEventsPerSec.length > 0 ? axes.ratesEventsPerSec : [1000];
  const points: SweepPoint[] = [];
  for (const scale of planScales(axes, base, basePartitions)) {
    for (const rateEventsPerSec of rates) {
      for (const shared of sharedCombinations(axes, base)) {
        for (let step = 0; step < steps; step++) {
          const settings: JobSettings = {
            ...scale.settings,
            ...shared,
            ...(sparkSettings[Math.min(step, sparkSettings.length - 1)] ?? {}),
            ...(flinkSettings[Math.min(step, flinkSettings.length - 1)] ?? {}),
          };
          points.push({
            index: points.length,
            rateEventsPerSec,
            partitions: scale.partitions,
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
  }
  return points;
}

/**
 * The scales a sweep covers: every partition count asked (or the stack's), each with every parallelism asked
 * (or the stack's), partitions outermost.
 */
export function planScales(axes: SweepAxes, base: JobSettings, basePartitions: number): SweepScale[] {
  const partitionCounts = axes.partitions?.length ? axes.partitions : [basePartitions];
  const parallelisms = axes.parallelisms?.length ? axes.parallelisms : [{}];
  return partitionCounts.flatMap((partitions) =>
    parallelisms.map((parallelism) => ({
      partitions,
      settings: mergeJobSettings(base, { parallelism: parallelism as Parallelism }),
    })),
  );
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
