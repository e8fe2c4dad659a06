import type pg from 'pg';
import { DEFAULTS, type Engine } from '../config/defaults.js';
import type { JobSettings, StackConfig } from '../config/stack-config.js';
import { kafkaAccess } from '../engines/access.js';
import { connectProducer } from '../engines/kafka.js';
import { connect } from '../engines/postgres.js';
import { engineTables } from '../engines/schema.js';
import { produce, type ProducerReport as RawProducerReport } from '../producer/producer.js';
import { PRODUCER_NICE, withProducerPriority } from '../producer/priority.js';
import { createSource, type SourceConfig } from '../producer/sources.js';
import { LivePanel, type PanelState } from '../render/panel.js';
import type { ProgressOptions } from '../render/progress.js';
import { note } from '../render/progress.js';
import type { RunConfigRecord, RunRecord } from '../results/record.js';
import { startRunRecord } from '../results/record.js';
import { newRunId } from '../results/run-id.js';
import { writeRun } from '../results/store.js';
import { findJava } from '../runtime/java.js';
import { costSampler, downStack, startedJobs, startJobs, stopJobs } from '../runtime/stack.js';
import type { StackStatus } from '../runtime/types.js';
import { describeEnvironment, toolVersion } from './environment.js';
import { RunMonitor } from './monitor.js';
import { ensureStack } from './ensure-stack.js';
import { finishRecord, type Segment } from './summarize.js';

/** Everything a benchmark run needs, resolved from flags. */
export interface RunOptions {
  /** The stack to run on (brought up when it is not). */
  stack: StackConfig;
  /** Job settings given on the command line: applied to the running stack (only changed jobs restart). */
  jobOverrides?: Partial<JobSettings>;
  /** Where events come from. */
  source: SourceConfig;
  /** Length of the producing phase, ms. */
  durationMs: number;
  /** Warm-up excluded from the figures, ms; undefined = 20% of the run, at most 60 s. */
  warmupMs?: number;
  /** Directory of result folders. */
  resultsDir: string;
  /** Longest wait for every engine to commit what was produced, after producing stops, ms. */
  drainTimeoutMs: number;
  /** Schedule-lag p99 above which the run is invalid, µs. */
  scheduleLagBoundUs: number;
  /** Engines one at a time on the same workload instead of in parallel. */
  isolate: boolean;
  /** Runs to make (`--repeat`). */
  repeat: number;
  /** Ctrl-C. */
  signal: AbortSignal;
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
  // A missing or corrupt replay file, or a bad rate, fails here, before anything is started.
  await createSource(given.source);
  const ensured = await ensureStack(given.stack, progress, given.jobOverrides);
  const { status, startedStack } = ensured;
  const options = { ...given, stack: ensured.stack };
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
  options: RunOptions,
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
  await writeRun(options.resultsDir, record, { partial: true });
  const client = await connect(options.stack);
  try {
    const segments = options.isolate
      ? await isolatedSegments(options, runId, client, progress)
      : [await segment(options, options.stack.engines, runId, runId, client, progress)];
    record = await finishRecord(client, record, segments, options);
  } finally {
    await client.end();
  }
  await writeRun(options.resultsDir, record);
  return record;
}

/**
 * `--isolate`: each engine alone on the same workload (same seed or file), the others stopped so they do not
 * compete for cores. Each segment has its own event run id (`<run-id>-<engine>`): an engine restarted later
 * first catches up with the earlier segments (which land under their own ids) and only then is measured.
 * Every engine runs again afterwards.
 */
async function isolatedSegments(
  options: RunOptions,
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
  options: RunOptions,
  engines: Engine[],
  runId: string,
  eventRunId: string,
  client: pg.Client,
  progress: ProgressOptions,
): Promise<Segment> {
  const monitor = new RunMonitor(client, eventRunId, engines, await costSampler(options.stack.stateDir));
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
  try {
    monitor.start();
    note(
      `Run ${runId}: producing for ${options.durationMs / 1000}s (${options.source.kind}) to ${engines.join(', ')}`,
      progress,
    );
    const report = await withProducerPriority(
      () =>
        produceFor(options, eventRunId, (p) => {
          panelState.producer = p;
          if (p) monitor.noteProducer(p);
        }),
      () =>
        note(
          `Could not raise the producer's priority (nice ${PRODUCER_NICE}); on a busy machine it may fall behind`,
          progress,
        ),
    );
    panelState.phase = 'draining';
    await drain(client, engines, eventRunId, report.sent, options, progress);
    await monitor.stop();
    panelState.phase = 'collecting';
    panel.draw(panelState);
    return { engines, eventRunId, report, monitor };
  } finally {
    clearInterval(redraw);
    await monitor.stop();
  }
}

function runConfig(
  options: RunOptions,
  repeat: RunConfigRecord['repeat'],
  status: StackStatus,
): RunConfigRecord {
  const source = options.source;
  return {
    source: source.kind,
    sourceFile: source.kind === 'replay' ? source.file : null,
    pairs: source.kind === 'replay' ? [] : [...source.pairs],
    rateEventsPerSec: source.kind === 'synthetic' ? source.rateEventsPerSec : null,
    durationMs: options.durationMs,
    warmupMs: options.warmupMs ?? Math.min(0.2 * options.durationMs, 60_000),
    engines: options.stack.engines,
    isolate: options.isolate,
    runtime: status.runtime ?? options.stack.runtime,
    scheduleLagP99BoundUs: options.scheduleLagBoundUs,
    // What the running jobs were started with, not what this command assumed.
    jobs: status.jobs ?? options.stack.jobs,
    repeat,
  };
}

/** Produces for the run's duration (or until Ctrl-C). */
async function produceFor(
  options: RunOptions,
  runId: string,
  onProgress: (p: PanelState['producer']) => void,
): Promise<RawProducerReport> {
  const source = await createSource(options.source);
  const producer = await connectProducer(options.stack);
  // The synthetic source stops by itself after the duration, so every --isolate segment and repeat gets the
  // very same events; live and replay sources are cut at the duration.
  const limitMs = options.source.kind === 'synthetic' ? options.durationMs + 30_000 : options.durationMs;
  const stop = AbortSignal.any([options.signal, AbortSignal.timeout(limitMs)]);
  try {
    return await produce({
      producer,
      topic: kafkaAccess(options.stack).topic,
      runId,
      source,
      partitions: kafkaAccess(options.stack).partitions,
      signal: stop,
      onProgress,
      behindScheduleBoundUs: options.scheduleLagBoundUs,
    });
  } finally {
    await producer.disconnect();
  }
}

/** Waits until every engine has committed everything sent, or the drain timeout passes. */
async function drain(
  client: pg.Client,
  engines: Engine[],
  runId: string,
  sent: number,
  options: RunOptions,
  progress: ProgressOptions,
): Promise<void> {
  const deadline = Date.now() + options.drainTimeoutMs;
  const pending = new Set(engines);
  while (pending.size > 0 && Date.now() < deadline && !options.signal.aborted) {
    for (const engine of [...pending]) {
      const result = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${engineTables(engine).raw} WHERE run_id = $1`,
        [runId],
      );
      if (Number(result.rows[0]?.n) >= sent) pending.delete(engine);
    }
    if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  if (pending.size > 0)
    note(
      `Not drained after ${options.drainTimeoutMs / 1000}s: ${[...pending].join(', ')} (counted as missing)`,
      progress,
    );
}
