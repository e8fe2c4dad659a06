/**
 * Entry point of one producer worker thread (started by `produceInThreads`): connects its own Kafka client,
 * raises its own thread's priority, says it is ready, waits for the common start time, then produces its share
 * of the source with its own event loop, away from the CLI's live panel, monitor queries and collection. It
 * reports progress about once a second and its whole report at the end; any failure is posted, never thrown
 * past the thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { describe } from '../errors.js';
import { raiseThreadPriority } from './priority.js';
import { DEFAULT_MAX_IN_FLIGHT_SENDS, produce } from './producer.js';
import { connectSender, type EventSender } from './senders.js';
import { createSource } from './sources.js';
import {
  toWire,
  type FromProducerThread,
  type ProducerThreadSetup,
  type ToProducerThread,
} from './thread-protocol.js';

const port = parentPort;
if (!port) throw new Error('thread.ts runs as a worker thread of produceInThreads');
const setup = workerData as ProducerThreadSetup;
const post = (message: FromProducerThread) => port.postMessage(message);
const stop = new AbortController();
const started = new Promise<number | undefined>((resolve) => {
  port.on('message', (message: ToProducerThread) => {
    if (message.type === 'start') resolve(message.startUs);
    else {
      stop.abort();
      resolve(undefined);
    }
  });
});

let sender: EventSender | undefined;
try {
  const priorityRaised = raiseThreadPriority();
  sender = await connectSender(setup.client, setup.target);
  post({ type: 'ready', priorityRaised });
  const startUs = await started;
  // A synthetic source makes only this thread's share of the ticks (the others' are skipped, not made).
  const source = await createSource(
    setup.source.kind === 'synthetic' && startUs !== undefined
      ? { ...setup.source, startUs, share: { index: setup.index, of: setup.of } }
      : setup.source,
  );
  const report = await produce({
    sender,
    runId: setup.runId,
    source,
    partitions: setup.partitions,
    share: { index: setup.index, of: setup.of },
    signal: stop.signal,
    maxBatchEvents: setup.maxBatchEvents,
    maxInFlightSends: Math.min(
      setup.maxInFlightSends ?? DEFAULT_MAX_IN_FLIGHT_SENDS,
      sender.maxConcurrentSends ?? Number.POSITIVE_INFINITY,
    ),
    behindScheduleBoundUs: setup.behindScheduleBoundUs,
    onProgress: (p) =>
      post({ type: 'progress', sent: p.sent, failed: p.failed, scheduleLagP99Us: p.scheduleLagP99Us }),
  });
  post({ type: 'done', report: toWire(report) });
} catch (error) {
  post({ type: 'failed', message: describe(error) });
} finally {
  await sender?.close().catch(() => undefined);
  port.unref();
}
