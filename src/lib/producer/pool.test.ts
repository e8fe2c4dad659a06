import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../config/defaults.js';
import { LatencyRecorder } from '../metrics/histogram.js';
import { produceInThreads, type ThreadedProduceOptions } from './pool.js';
import { emptyStats } from './source.js';
import type { WireProducerReport } from './thread-protocol.js';

/**
 * Stand-ins for the producer thread (the real one, `thread.ts`, runs only from the build: e2e tests and the
 * producer benchmark use it against a real broker): real worker threads running a few lines that behave as a
 * producer thread does on the way to its end, or die on the way.
 */
const script = (body: string) => `
  const { parentPort, workerData } = require('node:worker_threads');
  const post = (message) => parentPort.postMessage(message);
  parentPort.on('message', (message) => {
    if (message.type === 'start') started(message);
    else { post({ type: 'done', report: workerData.report }); parentPort.unref(); }
  });
  ${body}
`;

function report(sent: number, firstUs: number): WireProducerReport {
  const lag = new LatencyRecorder();
  for (let i = 0; i < sent; i++) lag.record(1_000 + i);
  return {
    sent,
    failed: 0,
    firstProducedAtUs: firstUs,
    lastProducedAtUs: firstUs + 1_000_000,
    firstIntendedAtUs: firstUs,
    lastIntendedAtUs: firstUs + 1_000_000,
    scheduleLagUs: lag.serialize(),
    offeredRateEventsPerSec: 0,
    achievedRateEventsPerSec: 0,
    behindSchedule: false,
    sourceStats: emptyStats(),
    sendErrors: [],
    interrupted: false,
  };
}

function options(scripts: string[], reports: WireProducerReport[] = []): ThreadedProduceOptions {
  return {
    producers: scripts.length,
    target: { brokers: ['127.0.0.1:9'], topic: DEFAULTS.topic },
    runId: 'run-1',
    source: { kind: 'synthetic', pairs: DEFAULTS.pairs, rateEventsPerSec: 1_000, seed: 1, count: 10 },
    partitions: 3,
    openLoop: true,
    spawn: (setup) =>
      new Worker(scripts[setup.index] ?? '', {
        eval: true,
        workerData: { ...setup, report: reports[setup.index] },
      }),
  };
}

const finishes = script(`
  post({ type: 'ready', priorityRaised: true });
  function started() { post({ type: 'done', report: workerData.report }); parentPort.unref(); }
`);
const diesAfterSending = script(`
  post({ type: 'ready', priorityRaised: true });
  function started() {
    post({ type: 'progress', sent: 7, failed: 0, scheduleLagP99Us: 900 });
    setTimeout(() => { throw new Error('boom in the producer thread'); }, 50);
  }
`);
const waitsForStop = script(`
  post({ type: 'ready', priorityRaised: true });
  function started() {}
`);

describe('produceInThreads', () => {
  it('merges the reports of every producer thread', async () => {
    const result = await produceInThreads(
      options([finishes, finishes], [report(3, 1_000_000), report(5, 1_500_000)]),
    );
    expect(result).toMatchObject({
      sent: 8,
      failed: 0,
      firstProducedAtUs: 1_000_000,
      lastProducedAtUs: 2_500_000,
    });
    expect(result.scheduleLagUs.count).toBe(8);
    expect(result.offeredRateEventsPerSec).toBeCloseTo(7 / 1.5, 5);
    expect(result.failure).toBeUndefined();
  });

  it('stops the run when a producer thread dies, says why, and keeps what the others measured', async () => {
    const result = await produceInThreads(options([waitsForStop, diesAfterSending], [report(4, 1_000_000)]));
    expect(result.failure).toMatch(/^producer thread 2 of 2 died: boom in the producer thread/);
    expect(result.sent).toBe(4 + 7);
    expect(result.scheduleLagUs.count).toBe(4);
  });

  it('fails with the reason when a producer thread cannot start', async () => {
    const cannotConnect = script(
      `post({ type: 'failed', message: 'Kafka is not reachable at 127.0.0.1:9' });`,
    );
    // The other thread, told to stop, answers with its report as a real one does (an unhandled error otherwise).
    await expect(produceInThreads(options([waitsForStop, cannotConnect], [report(0, 0)]))).rejects.toThrow(
      /The producer could not start: Kafka is not reachable at 127.0.0.1:9/,
    );
  });
});
