import { Worker } from 'node:worker_threads';
import { InfrastructureError } from '../errors.js';
import { nowUs } from './clock.js';
import {
  PRODUCER_NICE,
  putBackLeftAutogroup,
  raiseAutogroupPriority,
  type ProducerPriority,
} from './priority.js';
import type { ProducerProgress, ProducerReport } from './producer.js';
import { PRODUCER_CLIENTS, type ProducerClient, type SenderTarget } from './senders.js';
import type { SourceConfig } from './sources.js';
import {
  fromWire,
  mergeReports,
  type FromProducerThread,
  type ProducerThreadSetup,
  type ToProducerThread,
} from './thread-protocol.js';

/** Options of {@link produceInThreads}. */
export interface ThreadedProduceOptions {
  /** Producer threads (`--producers`), already checked with `checkProducers`. */
  producers: number;
  /** Kafka client of every thread; default the first of {@link PRODUCER_CLIENTS}. */
  client?: ProducerClient;
  /** Where to send. */
  target: SenderTarget;
  /** Run id written into every event. */
  runId: string;
  /** The source; each thread builds it for itself. */
  source: SourceConfig;
  /** Partitions of the topic. */
  partitions: number;
  /** Whether the source follows an open-loop schedule (its lag then judges the run). */
  openLoop: boolean;
  /** Ctrl-C: the threads stop, flush what they handed to Kafka, and report. */
  signal?: AbortSignal;
  /** Stop this long after the common start (starting the threads and connecting does not count), ms. */
  stopAfterMs?: number;
  /** Called about once a second with the threads' progress summed. */
  onProgress?: (progress: ProducerProgress) => void;
  /** `--producer-priority`; default `normal`. */
  priority?: ProducerPriority;
  /** Told, once per cause, when the producer could not get the priority it asked for; the report keeps it too. */
  onPriorityDenied?: (why: string) => void;
  /** Called at the threads' common start, when the first event is due (faults are timed from here). */
  onStart?: (startedAtMs: number) => void;
  /** p99 schedule lag above which an open-loop run is behind schedule. Default 50 ms. */
  behindScheduleBoundUs?: number;
  /** See `ProduceOptions.maxBatchEvents`. */
  maxBatchEvents?: number;
  /** See `ProduceOptions.maxInFlightSends`. */
  maxInFlightSends?: number;
  /** Starts one thread; tests give a script of their own. Default: `thread.js` beside this module. */
  spawn?: (setup: ProducerThreadSetup) => Worker;
}

/** State of one producer thread as the main thread sees it. */
interface ThreadState {
  worker: Worker;
  ready: boolean;
  report?: ProducerReport;
  progress: { sent: number; failed: number; scheduleLagP99Us: number };
  ended: boolean;
}

const THREAD_SCRIPT = new URL('./thread.js', import.meta.url);

/**
 * Produces a source with `producers` worker threads of their own (see `thread.ts`), so the open-loop schedule
 * is kept by event loops that nothing else in the CLI shares. Every thread builds the same deterministic source
 * and sends its share of the symbols; they start on one common schedule start, after all have connected.
 * Returns the merged report ({@link mergeReports}).
 *
 * A thread that fails before the start (Kafka unreachable) fails the call with its reason and stops the others.
 * A thread that dies while producing stops the run: the others are stopped and flushed, and the report carries
 * `failure` saying which thread died and why, with what was measured until then.
 */
export async function produceInThreads(options: ThreadedProduceOptions): Promise<ProducerReport> {
  const client = options.client ?? PRODUCER_CLIENTS[0];
  const spawn = options.spawn ?? ((setup) => new Worker(THREAD_SCRIPT, { workerData: setup }));
  const threads: ThreadState[] = [];
  let failure: string | undefined;
  const priorityNotGiven: string[] = [];
  const denied = (why: string) => {
    if (priorityNotGiven.includes(why)) return;
    priorityNotGiven.push(why);
    options.onPriorityDenied?.(why);
  };
  let startedAtMs = 0;
  let everyoneReady: () => void = () => undefined;
  let setupFailed: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    everyoneReady = resolve;
    setupFailed = reject;
  });
  let allEnded: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (allEnded = resolve));
  const post = (thread: ThreadState, message: ToProducerThread) => {
    if (!thread.ended) thread.worker.postMessage(message);
  };
  const stopAll = () => threads.forEach((thread) => post(thread, { type: 'stop' }));
  const died = (index: number, reason: string) => {
    failure ??= `producer thread ${index + 1} of ${options.producers} died: ${reason}`;
    setupFailed(new InfrastructureError(`The producer could not start: ${reason}`));
    stopAll();
  };
  const onEnd = (thread: ThreadState) => {
    thread.ended = true;
    if (threads.every((t) => t.ended)) allEnded();
  };

  for (let index = 0; index < options.producers; index++) {
    const setup: ProducerThreadSetup = {
      index,
      of: options.producers,
      source: options.source,
      client,
      target: options.target,
      runId: options.runId,
      partitions: options.partitions,
      maxBatchEvents: options.maxBatchEvents,
      maxInFlightSends: options.maxInFlightSends,
      behindScheduleBoundUs: options.behindScheduleBoundUs,
    };
    const thread: ThreadState = {
      worker: spawn(setup),
      ready: false,
      progress: { sent: 0, failed: 0, scheduleLagP99Us: 0 },
      ended: false,
    };
    threads.push(thread);
    thread.worker.on('message', (message: FromProducerThread) => {
      switch (message.type) {
        case 'ready':
          thread.ready = true;
          if (!message.priorityRaised) {
            denied(
              `the producer threads could not get nice ${PRODUCER_NICE} (it needs root or CAP_SYS_NICE)`,
            );
          }
          if (threads.length === options.producers && threads.every((t) => t.ready)) everyoneReady();
          break;
        case 'progress':
          thread.progress = message;
          break;
        case 'done':
          thread.report = fromWire(message.report);
          break;
        case 'failed':
          died(index, message.message);
          break;
      }
    });
    thread.worker.on('error', (error) => died(index, error.message));
    thread.worker.on('exit', (code) => {
      if (!thread.report) died(index, `it exited (code ${code}) before reporting`);
      onEnd(thread);
    });
  }

  const onAbort = () => stopAll();
  let stopTimer: NodeJS.Timeout | undefined;
  const timer = setInterval(() => reportProgress(), 1000);
  let lastMark = { atMs: Date.now(), sent: 0 };
  const reportProgress = () => {
    if (startedAtMs === 0) return;
    const nowMs = Date.now();
    const sent = sum(threads.map((t) => t.progress.sent));
    options.onProgress?.({
      sent,
      failed: sum(threads.map((t) => t.progress.failed)),
      elapsedMs: nowMs - startedAtMs,
      currentRateEventsPerSec: ((sent - lastMark.sent) * 1000) / Math.max(1, nowMs - lastMark.atMs),
      // The highest thread's p99: an upper bound of the merged one, which only the final report computes.
      scheduleLagP99Us: Math.max(...threads.map((t) => t.progress.scheduleLagP99Us)),
    });
    lastMark = { atMs: nowMs, sent };
  };
  let restorePriority: (() => void) | undefined;
  try {
    await ready;
    if (options.priority === 'high') {
      const raise = raiseAutogroupPriority();
      restorePriority = raise.restore;
      if (raise.notGiven) denied(raise.notGiven);
    } else putBackLeftAutogroup();
    startedAtMs = Date.now();
    lastMark = { atMs: startedAtMs, sent: 0 };
    const startUs = nowUs();
    threads.forEach((thread) => post(thread, { type: 'start', startUs }));
    options.onStart?.(startedAtMs);
    if (options.stopAfterMs !== undefined) stopTimer = setTimeout(stopAll, options.stopAfterMs);
    if (options.signal?.aborted) stopAll();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    await ended;
  } catch (error) {
    await Promise.all(threads.map((thread) => thread.worker.terminate()));
    throw error;
  } finally {
    restorePriority?.();
    clearInterval(timer);
    clearTimeout(stopTimer);
    options.signal?.removeEventListener('abort', onAbort);
  }
  const reports = threads.flatMap((t) => (t.report ? [t.report] : []));
  const lost = threads.filter((t) => !t.report).map((t) => t.progress);
  const report = mergeReports(
    reports,
    { openLoop: options.openLoop, behindScheduleBoundUs: options.behindScheduleBoundUs ?? 50_000 },
    {
      sent: sum(lost.map((p) => p.sent)),
      failed: sum(lost.map((p) => p.failed)),
      ...(failure ? { failure } : {}),
    },
  );
  return priorityNotGiven.length > 0 ? { ...report, priorityNotGiven } : report;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
