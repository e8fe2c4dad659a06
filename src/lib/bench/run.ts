import type pg from 'pg';
import type { Engine } from '../config/defaults.js';
import { kafkaTarget } from '../engines/access.js';
import { produceInThreads } from '../producer/pool.js';
import type { ProducerReport as RawProducerReport } from '../producer/producer.js';
import type { EventTimeOptions } from '../producer/event-time.js';
import { createSource, openLoopOf } from '../producer/sources.js';
import { LivePanel, type PanelState } from '../render/panel.js';
import { renderRunsReport } from '../render/report.js';
import type { ProgressOptions } from '../render/progress.js';
import { note } from '../render/progress.js';
import type { RunConfigRecord, RunRecord } from '../results/record.js';
import { startRunRecord } from '../results/record.js';
import { newRunId } from '../results/run-id.js';
import { unfinishedRecord, writeRun } from '../results/store.js';
import { findJava } from '../runtime/java.js';
import {
  checkFaults,
  costSampler,
  downStack,
  keepStackJobs,
  stackRestarts,
  startedJobs,
  startJobs,
  stopJobs,
} from '../runtime/stack.js';
import { FaultInjector } from './faults.js';
import { clockAssumption, runClock, tryEstimateServerClock } from './clock.js';
import { checkAirflowForGold } from './gold-airflow.js';
import { ReconnectingClient } from './reconnecting-client.js';
import { deadJobParts, drain } from './drain.js';
import type { StackStatus } from '../runtime/types.js';
import { describeEnvironment, toolVersion } from './environment.js';
import { RunMonitor } from './monitor.js';
import { ensureStack } from './ensure-stack.js';
import type { RunOptions } from './options.js';
import { finishRecord, type Segment } from './summarize.js';
import { resolveWorkload, type Workload } from './workload.js';

/** Run options with the workload resolved against the stack. */
interface ResolvedRunOptions extends RunOptions {
  /** Partitions, symbols and producer threads. */
  workload: Workload;
  /** The offset applied to commit times while the run goes (the live panel), µs: the start estimate's, or 0. */
  liveClockOffsetUs?: number;
}

/** What `run` returns: one record per repeat. */
export interface RunOutcome {
  /** Every run made, in order. */
  runs: RunRecord[];
  /** True when `run` started the stack (and stopped it again). */
  startedStack: boolean;
}

/**
 * A benchmark run: brings the stack up if needed, then for each repeat produces under a fresh run id while
 * sampling every engine once a second, waits until every engine has drained, collects every committed row's
 * latencies, and saves the result (a partial record is on disk from the start, so a crash leaves one behind).
 */
export async function runBenchmark(given: RunOptions, progress: ProgressOptions): Promise<RunOutcome> {
  // A missing or corrupt replay file, a bad rate, symbols or producer count, or a fault the stack cannot take
  // fails here, before anything starts (the fault targets of a stack that is not up yet are checked once it is).
  const workload = resolveWorkload(given.stack, given);
  await createSource(workload.source);
  if (given.faults?.length) checkFaults(given.stack.stateDir, given.faults, given.durationMs);
  if (given.goldAirflow) await checkAirflowForGold(given.stack.stateDir);
  const ensured = await ensureStack(given.stack, progress, given.jobOverrides);
  if (given.faults?.length) checkFaults(given.stack.stateDir, given.faults, given.durationMs);
  const { status, startedStack } = ensured;
  const options: ResolvedRunOptions = { ...given, stack: ensured.stack, source: workload.source, workload };
  const javaVersion = (await findJava().catch(() => undefined))?.version ?? null;
  const runs: RunRecord[] = [];
  const groupId = options.repeat > 1 ? newRunId() : null;
  try {
    for (let index = 1; index <= options.repeat && !options.signal.aborted; index++) {
      const repeat = groupId ? { groupId, index, count: options.repeat } : null;
      runs.push(await runOnce(options, status, javaVersion, repeat, progress));
    }
  } finally {
    if (startedStack) await downStack(options.stack.stateDir, { volumes: false });
  }
  return { runs, startedStack };
}

async function runOnce(
  options: ResolvedRunOptions,
  status: StackStatus,
  javaVersion: string | null,
  repeat: RunConfigRecord['repeat'],
  progress: ProgressOptions,
): Promise<RunRecord> {
  const runId = newRunId();
  let record = startRunRecord({
    runId,
    toolVersion: toolVersion(),
    startedAt: new Date().toISOString(),
    config: runConfig(options, repeat, status),
    environment: describeEnvironment(status, javaVersion),
  });
  await saveRun(options.resultsDir, unfinishedRecord(record));
  // Outlives a restart of PostgreSQL during the run (a fault, or a crash the supervisor repairs).
  const client = new ReconnectingClient(options.stack) as unknown as pg.Client;
  // PostgreSQL's clock against this host's, before producing and after draining (docs/measurement.md#clocks-across-hosts).
  const clockProblems: string[] = [];
  const clockStart = await tryEstimateServerClock(options.stack, 'start', clockProblems);
  const live = runClock(options.stack, clockStart, null, []).appliedOffsetUs;
  const measured = { ...options, liveClockOffsetUs: live };
  try {
    const segments = options.isolate
      ? await isolatedSegments(measured, runId, client, progress)
      : [await segment(measured, options.stack.engines, runId, runId, client, progress)];
    const clock = runClock(
      options.stack,
      clockStart,
      await tryEstimateServerClock(options.stack, 'end', clockProblems),
      clockProblems,
    );
    record = {
      ...record,
      clock,
      environment: { ...record.environment, clockAssumption: clockAssumption(clock) },
    };
    record = await finishRecord(client, record, segments, options);
  } finally {
    await client.end();
  }
  await saveRun(options.resultsDir, record);
  return record;
}

/** Saves a run's files with its HTML report. */
async function saveRun(resultsDir: string, record: RunRecord): Promise<void> {
  await writeRun(resultsDir, record, renderRunsReport([record]));
}

/**
 * `--isolate`: each engine alone on the same workload (same seed or file), the others stopped so they do not
 * compete for cores. Each segment has its own event run id (`<run-id>-<engine>`): an engine restarted later
 * first catches up with the earlier segments (which land under their own ids) and only then is measured.
 * Every engine runs again afterwards.
 */
async function isolatedSegments(
  options: ResolvedRunOptions,
  runId: string,
  client: pg.Client,
  progress: ProgressOptions,
): Promise<Segment[]> {
  const engines = options.stack.engines;
  const { stateDir } = options.stack;
  const segments: Segment[] = [];
  try {
    await stopJobs(stateDir, engines.slice(1));
    for (const [index, engine] of engines.entries()) {
      if (options.signal.aborted) break;
      if (index > 0) {
        await stopJobs(stateDir, [engines[index - 1] as Engine]);
        note(`Isolated: starting ${engine} alone and waiting until it has caught up`, progress);
        await startJobs(stateDir, [engine], { timeoutMs: options.stack.upTimeoutMs });
      }
      segments.push(await segment(options, [engine], runId, `${runId}-${engine}`, client, progress));
    }
  } finally {
    const running = await startedJobs(stateDir);
    const stopped = engines.filter((engine) => !running.includes(engine));
    if (stopped.length > 0) {
      note(`Restarting ${stopped.join(', ')}`, progress);
      await startJobs(stateDir, stopped, { timeoutMs: options.stack.upTimeoutMs });
    }
  }
  return segments;
}

/** One producing phase measured on some engines: produce, sample, drain. */
async function segment(
  options: ResolvedRunOptions,
  engines: Engine[],
  runId: string,
  eventRunId: string,
  client: pg.Client,
  progress: ProgressOptions,
): Promise<Segment> {
  const monitor = new RunMonitor(
    client,
    eventRunId,
    engines,
    await costSampler(options.stack.stateDir),
    options.liveClockOffsetUs,
  );
  const panel = new LivePanel(progress.json);
  const panelState: PanelState = {
    runId: eventRunId,
    durationMs: options.durationMs,
    offeredRateEventsPerSec: options.source.kind === 'synthetic' ? options.source.rateEventsPerSec : null,
    producer: null,
    engines: monitor.live,
    phase: 'producing',
  };
  const redraw = setInterval(() => panel.draw(panelState), 1000);
  const faults = new FaultInjector(options.stack.stateDir, options.faults ?? [], progress);
  const startedUs = Date.now() * 1000;
  const stopKeeping = keepStackJobs(options.stack.stateDir, (problem) =>
    note(`Could not bring back a lost job: ${problem}`, progress),
  );
  try {
    monitor.start();
    note(
      `Run ${runId}: producing for ${options.durationMs / 1000}s (${options.source.kind}) to ${engines.join(', ')}`,
      progress,
    );
    const report = await produceFor(
      options,
      eventRunId,
      (p) => {
        panelState.producer = p;
        if (p) monitor.noteProducer(p);
      },
      // The faults' clock is the run's: it starts when the producer threads do.
      (startedAtMs) => faults.start(startedAtMs),
      (why) =>
        note(`Producer priority not given: ${why}; on a busy machine the producer may fall behind`, progress),
    );
    if (report.failure) note(`The producer stopped: ${report.failure}`, progress);
    const openLoop = openLoopOf(options.source);
    panelState.phase = 'draining';
    const undrained = await drain(client, engines, eventRunId, report.sent, options, progress);
    await monitor.stop();
    const injected = await faults.stop();
    await stopKeeping();
    const deadParts = await deadJobParts(options.stack.stateDir, engines);
    const restarts = await stackRestarts(options.stack.stateDir, startedUs);
    panelState.phase = 'collecting';
    panel.draw(panelState);
    return {
      engines,
      eventRunId,
      report,
      openLoop,
      monitor,
      undrained,
      deadParts,
      faults: injected,
      restarts,
    };
  } finally {
    clearInterval(redraw);
    await monitor.stop();
    // Never leaves a paused process frozen, whatever happened.
    await faults.stop();
    await stopKeeping();
  }
}

function runConfig(
  options: ResolvedRunOptions,
  repeat: RunConfigRecord['repeat'],
  status: StackStatus,
): RunConfigRecord {
  const source = options.source;
  return {
    source: source.kind,
    sourceFile: source.kind === 'replay' ? source.file : null,
    pairs: source.kind === 'replay' ? [] : [...source.pairs],
    partitions: options.workload.partitions,
    symbols: source.kind === 'replay' ? null : source.pairs.length,
    producers: options.workload.producers,
    rateEventsPerSec: source.kind === 'synthetic' ? source.rateEventsPerSec : null,
    durationMs: options.durationMs,
    warmupMs: options.warmupMs ?? 0,
    eventTime: source.kind === 'synthetic' && source.eventTime ? eventTimeRecord(source.eventTime) : null,
    engines: options.stack.engines,
    isolate: options.isolate,
    runtime: status.runtime ?? options.stack.runtime,
    scheduleLagP99BoundUs: options.scheduleLagBoundUs,
    producerPriority: options.producerPriority,
    // What the running jobs were started with, not what this command assumed.
    jobs: status.jobs ?? options.stack.jobs,
    repeat,
  };
}

function eventTimeRecord(options: EventTimeOptions): RunConfigRecord['eventTime'] {
  const { disorderMs, late, eventTimeStartUs } = options;
  if (!disorderMs && !late && eventTimeStartUs === undefined) return null;
  return {
    disorderMs: disorderMs ?? 0,
    lateFraction: late?.fraction ?? null,
    lateDelayMs: late?.delayMs ?? null,
    eventTimeStartUs: eventTimeStartUs ?? null,
  };
}

/** Produces for the run's duration (or until Ctrl-C), in producer threads of their own. */
async function produceFor(
  options: ResolvedRunOptions,
  runId: string,
  onProgress: (p: PanelState['producer']) => void,
  onStart: (startedAtMs: number) => void,
  onPriorityDenied: (why: string) => void,
): Promise<RawProducerReport> {
  // The synthetic source stops by itself after the duration, so every --isolate segment and repeat gets the
  // very same events; live and replay sources are cut at the duration.
  const limitMs = options.source.kind === 'synthetic' ? options.durationMs + 30_000 : options.durationMs;
  const { stack, workload } = options;
  return produceInThreads({
    producers: workload.producers,
    target: kafkaTarget(stack),
    runId,
    source: workload.source,
    partitions: workload.partitions,
    openLoop: openLoopOf(options.source),
    signal: options.signal,
    stopAfterMs: limitMs,
    onProgress,
    onStart,
    onPriorityDenied,
    behindScheduleBoundUs: options.scheduleLagBoundUs,
    priority: options.producerPriority,
  });
}
