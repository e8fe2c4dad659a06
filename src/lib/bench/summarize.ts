import type pg from 'pg';
import type { Engine } from '../config/defaults.js';
import { describe } from '../errors.js';
import { engineTables } from '../engines/schema.js';
import { assessCompleteness } from '../metrics/completeness.js';
import { summarizeCost } from '../metrics/cost.js';
import { summarizeFreshness } from '../metrics/freshness.js';
import { LatencyRecorder } from '../metrics/histogram.js';
import { throughputEventsPerSec } from '../metrics/throughput.js';
import { steadyStateWindow, type SteadyStateWindow, type WindowUs } from '../metrics/window.js';
import type { ProducerReport as RawProducerReport } from '../producer/producer.js';
import {
  emptyEngineResult,
  type EngineResult,
  type RunRecord,
  type TimeseriesPoint,
} from '../results/record.js';
import { collectCounts, collectLatencies, collectPerSecond } from './collect.js';
import type { RunMonitor } from './monitor.js';
import type { RunOptions } from './run.js';

/** Why duplicate deliveries are not counted: no engine's JDBC writer reports inserts skipped by ON CONFLICT. */
const DUPLICATES_UNKNOWN =
  'the JDBC writers batch with reWriteBatchedInserts, which reports no per-row counts, so inserts skipped by ON CONFLICT are not counted';

/** Turns what was measured into the final record: window, producer, every engine, time series, status. */
export async function finishRecord(
  client: pg.Client,
  record: RunRecord,
  report: RawProducerReport,
  monitor: RunMonitor,
  options: RunOptions,
): Promise<RunRecord> {
  const reasons: string[] = [];
  if (options.signal.aborted) reasons.push('interrupted (Ctrl-C): figures cover what was produced before it');
  if (report.sent === 0) {
    reasons.push('nothing was produced');
    return {
      ...record,
      endedAt: new Date().toISOString(),
      status: options.signal.aborted ? 'interrupted' : 'invalid',
      statusReasons: reasons,
    };
  }
  const span: WindowUs = { startUs: report.firstProducedAtUs, endUs: report.lastProducedAtUs + 1 };
  const window = measuredWindow(span, options.warmupMs, reasons);
  const lag = report.scheduleLagUs;
  const behind = report.behindSchedule;
  if (behind) {
    reasons.push(
      `the producer fell behind its schedule: schedule-lag p99 ${((lag.percentileUs(0.99) ?? 0) / 1000).toFixed(1)} ms is above the ${options.scheduleLagBoundUs / 1000} ms bound, so the asked load was not offered`,
    );
  }
  if (report.failed > 0) reasons.push(`${report.failed} events could not be sent to Kafka`);
  const engines: Partial<Record<Engine, EngineResult>> = {};
  for (const engine of record.config.engines) {
    engines[engine] = await engineResult(client, engine, record.runId, window, span, report, monitor);
  }
  const status = options.signal.aborted
    ? 'interrupted'
    : behind || report.failed > 0
      ? 'invalid'
      : 'complete';
  return {
    ...record,
    endedAt: new Date().toISOString(),
    status,
    statusReasons: reasons.filter((r) => status !== 'complete' || !r.startsWith('warm-up')),
    window,
    producer: {
      sentEvents: report.sent,
      failedEvents: report.failed,
      offeredRateEventsPerSec:
        record.config.rateEventsPerSec === null ? null : report.offeredRateEventsPerSec,
      achievedRateEventsPerSec: report.achievedRateEventsPerSec,
      scheduleLag: lag.summarize(),
      sourceDelay: isLive(record)
        ? await sourceDelay(client, record.config.engines[0], record.runId, window)
        : null,
    },
    engines,
    timeseries: await timeseries(client, record.config.engines, record.runId, span, monitor),
  };
}

function measuredWindow(span: WindowUs, warmupMs: number | undefined, reasons: string[]): SteadyStateWindow {
  try {
    return steadyStateWindow({ ...span, warmupMs });
  } catch {
    reasons.push('warm-up not excluded: the run was too short for it');
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
): Promise<EngineResult> {
  const result = emptyEngineResult();
  try {
    const latencies = await collectLatencies(client, engine, runId, window);
    const counts = await collectCounts(client, engine, runId, window, {
      startUs: span.startUs,
      endUs: Date.now() * 1000,
    });
    result.latency = latencies.endToEnd.summarize();
    result.histograms.endToEnd = latencies.endToEnd.serialize();
    for (const stage of ['kafka', 'engine', 'sink'] as const) {
      result.stages[stage] = latencies.stages[stage].summarize();
      result.histograms[stage] = latencies.stages[stage].serialize();
    }
    result.committedInWindowRows = counts.committedInWindowRows;
    result.throughputEventsPerSec = throughputEventsPerSec(counts.committedInWindowRows, window);
    result.freshness = summarizeFreshness(monitor.freshness[engine] ?? [], span.startUs, window);
    result.completeness = assessCompleteness({
      producedRows: report.sent,
      committedDistinctRows: counts.committedRows,
      deliveries: null,
      deliveriesUnknownReason: DUPLICATES_UNKNOWN,
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

/** produced_at − event_time of live ticks: the exchange-to-producer delay, reported apart (not the engines'). */
async function sourceDelay(client: pg.Client, engine: Engine | undefined, runId: string, window: WindowUs) {
  if (!engine) return null;
  const recorder = new LatencyRecorder();
  const result = await client.query<{ d: string; n: string }>(
    `SELECT produced_at_us - event_time_us AS d, count(*) AS n FROM ${engineTables(engine).raw}
     WHERE run_id = $1 AND produced_at_us >= $2 AND produced_at_us < $3 GROUP BY 1`,
    [runId, window.startUs, window.endUs],
  );
  for (const row of result.rows) recorder.record(Number(row.d), Number(row.n));
  return recorder.summarize();
}

async function timeseries(
  client: pg.Client,
  engines: Engine[],
  runId: string,
  span: WindowUs,
  monitor: RunMonitor,
): Promise<TimeseriesPoint[]> {
  const perEngine = new Map<Engine, Awaited<ReturnType<typeof collectPerSecond>>>();
  let lastSecond = Math.floor((span.endUs - span.startUs) / 1e6);
  for (const engine of engines) {
    const seconds = await collectPerSecond(client, engine, runId, span.startUs).catch(() => new Map());
    perEngine.set(engine, seconds);
    lastSecond = Math.max(lastSecond, ...seconds.keys());
  }
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
