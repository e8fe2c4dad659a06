import { LatencyRecorder, type SerializedHistogram } from '../metrics/histogram.js';
import type { ProducerReport } from './producer.js';
import type { ProducerClient, SenderTarget } from './senders.js';
import type { SourceConfig } from './sources.js';
import { emptyStats } from './source.js';

/** What one producer thread is started with (its `workerData`). */
export interface ProducerThreadSetup {
  /** This thread's place among the producers, 0-based. */
  index: number;
  /** Number of producer threads. */
  of: number;
  /** The source every thread builds for itself (deterministic, so all see the same ticks). */
  source: SourceConfig;
  /** Kafka client. */
  client: ProducerClient;
  /** Where to send. */
  target: SenderTarget;
  /** Run id written into every event. */
  runId: string;
  /** Partitions of the topic. */
  partitions: number;
  /** See `ProduceOptions.maxBatchEvents`. */
  maxBatchEvents?: number;
  /** See `ProduceOptions.maxInFlightSends`. */
  maxInFlightSends?: number;
  /** See `ProduceOptions.behindScheduleBoundUs`. */
  behindScheduleBoundUs?: number;
}

/** Main thread to producer thread: start the schedule at `startUs` (epoch µs), or stop. */
export type ToProducerThread = { type: 'start'; startUs: number } | { type: 'stop' };

/** A {@link ProducerReport} as it crosses threads: the histogram serialized. */
export type WireProducerReport = Omit<ProducerReport, 'scheduleLagUs'> & {
  scheduleLagUs: SerializedHistogram;
};

/** Producer thread to main thread. */
export type FromProducerThread =
  | { type: 'ready'; priorityRaised: boolean }
  | { type: 'progress'; sent: number; failed: number; scheduleLagP99Us: number }
  | { type: 'done'; report: WireProducerReport }
  | { type: 'failed'; message: string };

/** A report made ready to post to another thread. */
export function toWire(report: ProducerReport): WireProducerReport {
  return { ...report, scheduleLagUs: report.scheduleLagUs.serialize() };
}

/** A report posted by a producer thread, with its histogram rebuilt. */
export function fromWire(report: WireProducerReport): ProducerReport {
  return { ...report, scheduleLagUs: LatencyRecorder.deserialize(report.scheduleLagUs) };
}

/**
 * The report of several producers that shared one source: counts and histograms summed, spans from the
 * earliest to the latest event of any producer (rates are events over those spans, as for one producer),
 * behind schedule judged on the merged p99, source counters taken from the first producer (every producer read
 * the same source). `failure` names a producer that died; its `lost` counts (its last progress) are added.
 */
export function mergeReports(
  reports: ProducerReport[],
  judge: { openLoop: boolean; behindScheduleBoundUs: number },
  lost: { sent: number; failed: number; failure?: string } = { sent: 0, failed: 0 },
): ProducerReport {
  const lag = new LatencyRecorder();
  for (const report of reports) lag.merge(report.scheduleLagUs);
  const sent = lost.sent + sum(reports.map((r) => r.sent));
  const failed = lost.failed + sum(reports.map((r) => r.failed));
  const produced = reports.filter((r) => r.firstProducedAtUs > 0);
  const firstProducedAtUs = produced.length === 0 ? 0 : Math.min(...produced.map((r) => r.firstProducedAtUs));
  const lastProducedAtUs = produced.length === 0 ? 0 : Math.max(...produced.map((r) => r.lastProducedAtUs));
  const firstIntendedAtUs = Math.min(...reports.map((r) => r.firstIntendedAtUs));
  const lastIntendedAtUs = Math.max(...reports.map((r) => r.lastIntendedAtUs));
  const intendedSpanSec = (lastIntendedAtUs - firstIntendedAtUs) / 1e6;
  const producedSpanSec = (lastProducedAtUs - firstProducedAtUs) / 1e6;
  const handed = sent + failed;
  return {
    sent,
    failed,
    firstProducedAtUs,
    lastProducedAtUs,
    firstIntendedAtUs,
    lastIntendedAtUs,
    scheduleLagUs: lag,
    offeredRateEventsPerSec: handed > 1 && intendedSpanSec > 0 ? (handed - 1) / intendedSpanSec : 0,
    achievedRateEventsPerSec: sent > 1 && producedSpanSec > 0 ? (sent - 1) / producedSpanSec : 0,
    behindSchedule: judge.openLoop && (lag.percentileUs(0.99) ?? 0) > judge.behindScheduleBoundUs,
    sourceStats: reports[0]?.sourceStats ?? emptyStats(),
    sendErrors: reports.flatMap((r) => r.sendErrors).slice(-10),
    interrupted: reports.some((r) => r.interrupted),
    ...(lost.failure ? { failure: lost.failure } : {}),
  };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
