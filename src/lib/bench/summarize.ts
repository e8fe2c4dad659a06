import type pg from 'pg';
import type { Engine } from '../config/defaults.js';
import { describe } from '../errors.js';
import { connect } from '../engines/postgres.js';
import { engineTables } from '../engines/schema.js';
import { assessCompleteness } from '../metrics/completeness.js';
import { summarizeCost } from '../metrics/cost.js';
import { summarizeFreshness } from '../metrics/freshness.js';
import { LatencyRecorder } from '../metrics/histogram.js';
import { incompleteReasons, runStatusOf } from '../metrics/incomplete.js';
import { throughputEventsPerSec } from '../metrics/throughput.js';
import { steadyStateWindow, type SteadyStateWindow, type WindowUs } from '../metrics/window.js';
import type { ProducerReport as RawProducerReport } from '../producer/producer.js';
import type { LatencySummary } from '../metrics/summary.js';
import { describeNothingDelivered } from '../render/source-stats.js';
import {
  emptyEngineResult,
  type EngineResult,
  type RunRecord,
  type TimeseriesPoint,
} from '../results/record.js';
import {
  collectEngine,
  collectSeriesOf,
  countDeadLetters,
  countRedeliveries,
  type EngineSeries,
} from './collect.js';
import { airflowGoldReasons, goldOfRun } from './gold.js';
import { chooseSteadyState, noSteadyStateReasons, p50Series } from './steady-state.js';
import type { FaultRecord, RestartRecord } from '../results/fault-record.js';
import { measureRecovery } from './recovery.js';
import type { RunMonitor } from './monitor.js';
import type { RunOptions } from './options.js';

/** One producing phase: all engines in parallel, or one engine alone under `--isolate`. */
export interface Segment {
  /** Engines measured in this segment. */
  engines: Engine[];
  /** The run_id its events carry. */
  eventRunId: string;
  /** What the producer did. */
  report: RawProducerReport;
  /**
   * The source kept a schedule (its `openLoop`: synthetic, replay at a finite speed), so the schedule lag says
   * whether the asked load was offered; without one (live sources, replay at max speed) it judges nothing.
   */
  openLoop: boolean;
  /** What was sampled once a second. */
  monitor: RunMonitor;
  /** Engines that had not committed everything when the drain timeout passed. */
  undrained: Engine[];
  /** Per engine, the parts of its job that were dead after the drain (absent = all ran). */
  deadParts: Partial<Record<Engine, string[]>>;
  /** Faults injected during the segment (recovery filled in by `finishRecord`). */
  faults: FaultRecord[];
  /** Restarts of services during the segment. */
  restarts: RestartRecord[];
}

/** Turns what was measured into the final record: window, producer, every engine, time series, status. */
export async function finishRecord(
  client: pg.Client,
  record: RunRecord,
  segments: Segment[],
  options: RunOptions,
): Promise<RunRecord> {
  const reasons: string[] = [];
  if (options.signal.aborted) reasons.push('interrupted (Ctrl-C): figures cover what was produced before it');
  const produced = segments.filter((s) => s.report.sent > 0);
  const first = produced[0];
  // A producer thread that died stopped the run early: the load asked for was not offered.
  const died = segments.flatMap((s) => (s.report.failure ? [s.report.failure] : []));
  if (!first) {
    const stats = segments[0]?.report.sourceStats;
    reasons.push(
      `nothing was produced: ${describeNothingDelivered(record.config.source, stats)}`,
      ...died.map((failure) => `the producer stopped: ${failure}`),
    );
    const status = options.signal.aborted ? 'interrupted' : 'invalid';
    return { ...record, endedAt: new Date().toISOString(), status, statusReasons: reasons };
  }
  const spans = produced.map((s): WindowUs => ({
    startUs: s.report.firstProducedAtUs,
    endUs: s.report.lastProducedAtUs + 1,
  }));
  // Commit times go onto the producer's clock first (docs/measurement.md#clocks-across-hosts); 0 on one host.
  const clockOffsetUs = record.clock?.appliedOffsetUs ?? 0;
  // Phase 1: every engine's per-second series, before any window is chosen.
  const series = await Promise.all(
    produced.map((segment, i) =>
      collectSeriesOf(
        options.stack,
        segment.engines,
        segment.eventRunId,
        (spans[i] as WindowUs).startUs,
        clockOffsetUs,
      ),
    ),
  );
  // Phase 2: where the steady state begins, the same offset for every engine and segment.
  const p50s = new Map<Engine, (number | null)[]>();
  produced.forEach((segment, i) => {
    const span = spans[i] as WindowUs;
    for (const engine of segment.engines)
      p50s.set(engine, p50Series(series[i]?.get(engine) ?? new Map(), span.endUs - span.startUs));
  });
  const steady = chooseSteadyState(p50s, options.warmupMs);
  // Phase 3: every figure over the window.
  const engines: Partial<Record<Engine, EngineResult>> = {};
  const windows: SteadyStateWindow[] = [];
  let timeseriesPoints: TimeseriesPoint[] = [];
  const lags: LatencySummary[] = [];
  let behind = false;
  let failed = 0;
  for (const [index, segment] of produced.entries()) {
    const { report } = segment;
    const span = spans[index] as WindowUs;
    const window = measuredWindow(span, steady.steadyStateStartOffsetMs, reasons);
    windows.push(window);
    const lag = await rowDifference(
      client,
      segment.engines[0] as Engine,
      segment.eventRunId,
      window,
      'produced_at_us - intended_at_us',
    );
    lags.push(lag);
    if (segment.openLoop && (lag.p99Us ?? 0) > options.scheduleLagBoundUs) {
      behind = true;
      reasons.push(
        `the producer fell behind its schedule${segments.length > 1 ? ` (${segment.engines.join(', ')} segment)` : ''}: schedule-lag p99 ${((lag.p99Us ?? 0) / 1000).toFixed(1)} ms is above the ${options.scheduleLagBoundUs / 1000} ms bound, so the asked load was not offered`,
      );
    }
    failed += report.failed;
    // One connection per engine: PostgreSQL reads the engines' tables in parallel.
    const results = await Promise.all(
      segment.engines.map(async (engine) => {
        const own = await connect(options.stack);
        try {
          return await engineResult(
            own,
            engine,
            segment.eventRunId,
            window,
            span,
            report,
            segment.monitor,
            clockOffsetUs,
          );
        } finally {
          await own.end();
        }
      }),
    );
    segment.engines.forEach((engine, i) => {
      const result = results[i];
      if (result) {
        result.incompleteReasons = incompleteReasons({
          completeness: result.completeness,
          drained: !segment.undrained.includes(engine),
          drainTimeoutMs: options.drainTimeoutMs,
          deadParts: segment.deadParts[engine] ?? [],
        });
      }
      engines[engine] = result;
    });
    await measureRecovery(client, segment.faults, segment.engines, segment.eventRunId, {
      originUs: span.startUs,
      perEngine: series[index] ?? new Map(),
      producedPerSecond: (count) => segment.monitor.sentEachSecond(count),
      normalFromUs: window.startUs,
      clockOffsetUs,
    });
    const points = timeseries(segment.engines, series[index] ?? new Map(), span, segment.monitor);
    timeseriesPoints = mergeTimeseries(timeseriesPoints, points);
  }
  if (failed > 0) reasons.push(`${failed} events could not be sent to Kafka`);
  reasons.push(...died.map((failure) => `the producer stopped early: ${failure}`));
  // Gold adds its reasons to the engines' own (lost events, died, did not drain); Airflow's wrong windows are the
  // run's (its gold is wrong), Airflow failing to build them is only Airflow's problem.
  const gold = await goldOfRun(client, record, produced, options, engines);
  for (const [engine, result] of Object.entries(engines)) {
    for (const reason of result.incompleteReasons ?? []) reasons.push(`${engine}: ${reason}`);
  }
  const wrongAirflowGold = airflowGoldReasons(gold);
  reasons.push(...wrongAirflowGold);
  const incompleteEngines = Object.entries(engines)
    .filter(([, e]) => (e?.incompleteReasons?.length ?? 0) > 0)
    .map(([name]) => name);
  const unsteady = noSteadyStateReasons(steady, incompleteEngines);
  reasons.push(...unsteady);
  const status = runStatusOf({
    interrupted: options.signal.aborted,
    invalid: behind || failed > 0 || died.length > 0 || unsteady.length > 0,
    incomplete:
      Object.values(engines).some((e) => (e?.incompleteReasons?.length ?? 0) > 0) ||
      wrongAirflowGold.length > 0,
  });
  const firstWindow = windows[0] as SteadyStateWindow;
  return {
    ...record,
    endedAt: new Date().toISOString(),
    status,
    statusReasons: status === 'complete' ? [] : reasons,
    config: { ...record.config, warmupMs: firstWindow.warmupMs },
    steadyState: { ...steady, steadyStateStartUs: firstWindow.startUs },
    window: {
      startUs: Math.min(...windows.map((w) => w.startUs)),
      endUs: Math.max(...windows.map((w) => w.endUs)),
      warmupMs: windows[0]?.warmupMs ?? 0,
    },
    producer: {
      sentEvents: first.report.sent,
      failedEvents: failed,
      offeredRateEventsPerSec:
        record.config.rateEventsPerSec === null ? null : first.report.offeredRateEventsPerSec,
      achievedRateEventsPerSec: first.report.achievedRateEventsPerSec,
      sourceStats: first.report.sourceStats,
      ...(first.report.priorityNotGiven ? { priorityNotGiven: first.report.priorityNotGiven } : {}),
      scheduleLag: lags[0] as LatencySummary,
      sourceDelay: isLive(record)
        ? await rowDifference(
            client,
            first.engines[0] as Engine,
            first.eventRunId,
            windows[0] as WindowUs,
            'produced_at_us - event_time_us',
          )
        : null,
    },
    engines,
    timeseries: timeseriesPoints,
    gold,
    ...(segments.some((s) => s.faults.length > 0) ? { faults: segments.flatMap((s) => s.faults) } : {}),
    restarts: segments.flatMap((s) => s.restarts),
  };
}

/** Joins per-segment series second by second (each segment counts seconds from its own start). */
function mergeTimeseries(into: TimeseriesPoint[], points: TimeseriesPoint[]): TimeseriesPoint[] {
  if (into.length === 0) return points;
  const merged = [...into];
  for (const point of points) {
    const existing = merged[point.secondIndex];
    if (existing) existing.engines = { ...existing.engines, ...point.engines };
    else merged[point.secondIndex] = point;
  }
  return merged;
}

function measuredWindow(span: WindowUs, warmupMs: number, reasons: string[]): SteadyStateWindow {
  try {
    return steadyStateWindow({ ...span, warmupMs });
  } catch {
    reasons.push(`warm-up not excluded: ${warmupMs / 1000} s leaves nothing of the run to measure`);
    return { ...span, warmupMs: 0 };
  }
}

function isLive(record: RunRecord): boolean {
  return record.config.source === 'coinbase-rest' || record.config.source === 'coinbase-ws';
}

async function engineResult(
  client: pg.Client,
  engine: Engine,
  runId: string,
  window: SteadyStateWindow,
  span: WindowUs,
  report: RawProducerReport,
  monitor: RunMonitor,
  clockOffsetUs: number,
): Promise<EngineResult> {
  const result = emptyEngineResult();
  try {
    const collected = await collectEngine(client, engine, runId, window, clockOffsetUs);
    const latencies = collected.latencies;
    const counts = {
      ...collected,
      deadLetteredRows: await countDeadLetters(client, engine, {
        startUs: span.startUs,
        endUs: Date.now() * 1000,
      }),
    };
    result.latency = latencies.endToEnd.summarize();
    result.histograms.endToEnd = latencies.endToEnd.serialize();
    for (const stage of ['kafka', 'engine', 'sink'] as const) {
      result.stages[stage] = latencies.stages[stage].summarize();
      result.histograms[stage] = latencies.stages[stage].serialize();
    }
    result.committedInWindowRows = counts.committedInWindowRows;
    result.throughputEventsPerSec = throughputEventsPerSec(counts.committedInWindowRows, window);
    result.freshness = summarizeFreshness(monitor.freshness[engine] ?? [], span.startUs, window);
    const duplicates = await countRedeliveries(client, engine, runId);
    result.duplicateDeliveries = duplicates;
    result.completeness = assessCompleteness({
      producedRows: report.sent,
      committedDistinctRows: counts.committedRows,
      deliveries: counts.committedRows + duplicates,
      deadLetteredRows: counts.deadLetteredRows,
    });
    result.cost = summarizeCost(monitor.cost[engine] ?? [], window, counts.committedInWindowRows);
    result.problems.push(...result.completeness.problems);
    if ((result.latency.negativeCount ?? 0) > 0) {
      result.problems.push(
        `${result.latency.negativeCount} rows committed before they were produced (clock steps?)`,
      );
    }
  } catch (error) {
    result.problems.push(`could not read ${engineTables(engine).timed}: ${describe(error)}`);
  }
  return result;
}

/**
 * Distribution of a difference of two row timestamps over the rows produced in the window, computed from one
 * engine's table (grouped by value in PostgreSQL): schedule lag `produced_at − intended_at`, or source delay
 * `produced_at − event_time` of live ticks (the exchange-to-producer delay, reported apart: not the engines').
 */
async function rowDifference(
  client: pg.Client,
  engine: Engine,
  runId: string,
  window: WindowUs,
  difference: 'produced_at_us - intended_at_us' | 'produced_at_us - event_time_us',
): Promise<LatencySummary> {
  const recorder = new LatencyRecorder();
  const result = await client.query<{ d: string; n: string }>(
    `SELECT ${difference} AS d, count(*) AS n FROM ${engineTables(engine).raw}
     WHERE run_id = $1 AND produced_at_us >= $2 AND produced_at_us < $3 GROUP BY 1`,
    [runId, window.startUs, window.endUs],
  );
  for (const row of result.rows) recorder.record(Number(row.d), Number(row.n));
  return recorder.summarize();
}

function timeseries(
  engines: Engine[],
  perEngine: Map<Engine, EngineSeries>,
  span: WindowUs,
  monitor: RunMonitor,
): TimeseriesPoint[] {
  let lastSecond = Math.floor((span.endUs - span.startUs) / 1e6);
  for (const seconds of perEngine.values()) lastSecond = Math.max(lastSecond, ...seconds.keys());
  const points: TimeseriesPoint[] = [];
  for (let second = 0; second <= lastSecond; second++) {
    const startUs = span.startUs + second * 1_000_000;
    const point: TimeseriesPoint = {
      secondIndex: second,
      startUs,
      offeredRateEventsPerSec: monitor.sentPerSecond(second),
      engines: {},
    };
    for (const engine of engines) {
      const freshness = monitor.freshness[engine]?.find(
        (s) => s.atUs >= startUs && s.atUs < startUs + 1_000_000,
      );
      const row = perEngine.get(engine)?.get(second);
      point.engines[engine] = {
        committedRateEventsPerSec: row?.committedRateEventsPerSec ?? 0,
        p50Us: row?.p50Us ?? null,
        p99Us: row?.p99Us ?? null,
        ...(row?.backlogEvents === undefined ? {} : { backlogEvents: row.backlogEvents }),
        freshnessUs: freshness
          ? freshness.maxProducedAtUs === null
            ? null
            : freshness.atUs - freshness.maxProducedAtUs
          : null,
      };
    }
    points.push(point);
  }
  return points;
}
