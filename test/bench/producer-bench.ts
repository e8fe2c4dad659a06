/**
 * Producer benchmark (a measurement, not a test): the producer threads' schedule lag at fixed open-loop rates,
 * their highest sustained rate, and Kafka's own `ProducerPerformance` on the same broker for comparison, for
 * either Kafka client and any number of producer threads, through the very code a run uses
 * (`produceInThreads`, with the built `dist/lib/producer/thread.js`).
 *
 * Needs a running broker, the broker jars (`jobs/kafka-broker/target/lib`) and `npm run build`. From the
 * repository root:
 *
 *   npx vite-node test/bench/producer-bench.ts -- --bootstrap 127.0.0.1:29192 --client platformatic --producers 2 \
 *     [--rates 1000,10000,100000,max] [--symbols 10] [--seconds 20] [--warmup-seconds 5] [--batch 500] \
 *     [--in-flight 1] [--perf-records 2000000] [--broker-pid PID]
 *
 * Each rate runs the synthetic source open-loop for `--seconds` on a fresh 3-partition topic; a rate of `max`
 * asks for far more than the producers can give, so the achieved rate is their ceiling (that run ends on the
 * clock and shows as interrupted). `cpu us/ev` is this process's CPU time (user + system, every thread) per
 * acknowledged event while producing: on a shared machine it moves far less than the rates do, and at `max` it
 * is what bounds the producers. With `--broker-pid` (the local broker's pid, e.g. from `ps`), the broker's own CPU
 * per acknowledged event and its share of a core are shown too (`brk us/ev`, `brk %`, from /proc): on a 2-core
 * machine the broker shares the cores with the producers. With two producers use an even `--symbols` (default
 * 10): each producer sends its share of the symbols, and five symbols split 3:2.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { DEFAULTS } from '../../src/lib/config/defaults.js';
import { resolveStackConfig } from '../../src/lib/config/stack-config.js';
import { connectAdmin, ensureTopic } from '../../src/lib/engines/kafka.js';
import { symbolList } from '../../src/lib/producer/pairs.js';
import { produceInThreads } from '../../src/lib/producer/pool.js';
import type { ProducerReport } from '../../src/lib/producer/producer.js';
import { PRODUCER_CLIENTS, type ProducerClient } from '../../src/lib/producer/senders.js';
import { encodeEvent } from '../../src/lib/producer/event.js';

const THREAD_SCRIPT = new URL('../../dist/lib/producer/thread.js', import.meta.url);

const { values } = parseArgs({
  options: {
    bootstrap: { type: 'string', default: '127.0.0.1:29192' },
    rates: { type: 'string', default: '10000,50000,100000,max' },
    seconds: { type: 'string', default: '20' },
    'warmup-seconds': { type: 'string', default: '5' },
    batch: { type: 'string', default: '500' },
    'in-flight': { type: 'string', default: '1' },
    'perf-records': { type: 'string', default: '2000000' },
    client: { type: 'string', default: PRODUCER_CLIENTS[0] },
    producers: { type: 'string', default: '1' },
    symbols: { type: 'string', default: '10' },
    jars: { type: 'string', default: 'jobs/kafka-broker/target/lib/*' },
    'broker-pid': { type: 'string' },
  },
  allowPositionals: true,
});

const [host = '127.0.0.1', port = '29192'] = (values.bootstrap ?? '').split(':');
const config = { ...resolveStackConfig({ 'kafka-port': Number(port) }), host };
const seconds = Number(values.seconds);
const client = values.client as ProducerClient;
if (!PRODUCER_CLIENTS.includes(client)) throw new Error(`--client: one of ${PRODUCER_CLIENTS.join(', ')}`);
const producers = Number(values.producers);
const pairs = symbolList(Number(values.symbols), DEFAULTS.pairs);

async function freshTopic(label: string): Promise<string> {
  const topic = `bench_${label}_${Date.now()}`;
  const admin = await connectAdmin(config);
  await ensureTopic(admin, DEFAULTS.topicPartitions, topic);
  await admin.disconnect();
  return topic;
}

/** CPU seconds (user + system) the broker process has used so far, from /proc (Linux), when --broker-pid is given. */
function brokerCpuSec(): number | undefined {
  if (values['broker-pid'] === undefined) return undefined;
  const stat = readFileSync(`/proc/${values['broker-pid']}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th, in 1/100 s.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A producer run's report and the CPU this process spent on it. */
interface RateResult {
  report: ProducerReport;
  /** User + system CPU of this process while producing, per acknowledged event, µs. */
  cpuUsPerEvent: number;
  /** That CPU time over the wall time of the run, percent of one core. */
  cpuPercent: number;
  /** The broker's CPU per acknowledged event over the same time, µs (with --broker-pid). */
  brokerCpuUsPerEvent?: number;
  /** The broker's CPU over the wall time, percent of one core (with --broker-pid). */
  brokerCpuPercent?: number;
}

async function runRate(rateText: string, runSeconds = seconds): Promise<RateResult> {
  const rateEventsPerSec = rateText === 'max' ? 5_000_000 : Number(rateText);
  const topic = await freshTopic(rateText);
  // CPU is counted from the first progress report (a second after the common start) to the end, so that
  // starting the threads (loading modules, connecting) is not charged to the events.
  let mark: { cpu: NodeJS.CpuUsage; atMs: number; sent: number; brokerSec?: number } | undefined;
  const report = await produceInThreads({
    producers,
    client,
    target: { brokers: [String(values.bootstrap)], topic },
    runId: `bench-${rateText}`,
    source: {
      kind: 'synthetic',
      pairs,
      rateEventsPerSec,
      seed: 1,
      durationMs: runSeconds * 1000,
    },
    partitions: DEFAULTS.topicPartitions,
    openLoop: true,
    maxBatchEvents: Number(values.batch),
    maxInFlightSends: Number(values['in-flight']),
    // The schedule ends after --seconds; at `max` the backlog would take far longer, so stop on the clock.
    stopAfterMs: runSeconds * 1000 + 500,
    spawn: (setup) => new Worker(THREAD_SCRIPT, { workerData: setup }),
    onProgress: (progress) => {
      mark ??= {
        cpu: process.cpuUsage(),
        atMs: performance.now(),
        sent: progress.sent,
        brokerSec: brokerCpuSec(),
      };
    },
  });
  if (!mark) return { report, cpuUsPerEvent: 0, cpuPercent: 0 };
  const cpu = process.cpuUsage(mark.cpu);
  const brokerSec = brokerCpuSec();
  const cpuUs = cpu.user + cpu.system;
  const events = report.sent - mark.sent;
  const wallMs = performance.now() - mark.atMs;
  const brokerUs =
    brokerSec !== undefined && mark.brokerSec !== undefined ? (brokerSec - mark.brokerSec) * 1e6 : undefined;
  return {
    report,
    cpuUsPerEvent: events > 0 ? cpuUs / events : 0,
    cpuPercent: cpuUs / 10 / wallMs,
    ...(brokerUs !== undefined
      ? { brokerCpuUsPerEvent: events > 0 ? brokerUs / events : 0, brokerCpuPercent: brokerUs / 10 / wallMs }
      : {}),
  };
}

function row(
  rate: string,
  { report, cpuUsPerEvent, cpuPercent, brokerCpuUsPerEvent, brokerCpuPercent }: RateResult,
): string {
  const lag = report.scheduleLagUs;
  const ms = (us: number) => (us / 1000).toFixed(2);
  return [
    rate.padStart(8),
    report.offeredRateEventsPerSec.toFixed(0).padStart(9),
    report.achievedRateEventsPerSec.toFixed(0).padStart(9),
    String(report.sent).padStart(9),
    String(report.failed).padStart(6),
    ms(lag.percentileUs(0.5) ?? 0).padStart(9),
    ms(lag.percentileUs(0.99) ?? 0).padStart(9),
    ms(lag.percentileUs(0.999) ?? 0).padStart(9),
    ms(lag.summarize().maxUs ?? 0).padStart(9),
    String(report.behindSchedule).padStart(6),
    cpuUsPerEvent.toFixed(2).padStart(9),
    cpuPercent.toFixed(0).padStart(5),
    ...(brokerCpuUsPerEvent !== undefined
      ? [brokerCpuUsPerEvent.toFixed(2).padStart(9), (brokerCpuPercent ?? 0).toFixed(0).padStart(5)]
      : []),
  ].join(' ');
}

/** Kafka's own producer performance tool, same broker, records the size of our events, acks=all, idempotent. */
async function kafkaPerf(recordSize: number): Promise<string> {
  const topic = await freshTopic('perf');
  const brokerBefore = brokerCpuSec();
  const { stdout } = await promisify(execFile)(
    'java',
    [
      '-Xmx512m',
      '-cp',
      values.jars ?? '',
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      topic,
      '--num-records',
      values['perf-records'] ?? '2000000',
      '--record-size',
      String(recordSize),
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${values.bootstrap}`,
      'acks=all',
      'enable.idempotence=true',
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const last = stdout.trim().split('\n').at(-1) ?? '';
  const brokerAfter = brokerCpuSec();
  if (brokerBefore === undefined || brokerAfter === undefined) return last;
  const records = Number(/^(\d+) records sent/.exec(last)?.[1]);
  return `${last}; broker CPU ${(((brokerAfter - brokerBefore) * 1e6) / records).toFixed(2)} us/record`;
}

async function main(): Promise<void> {
  const sample = encodeEvent({
    v: 1,
    run_id: 'bench-100000',
    seq: 1_234_567,
    symbol: 'BTC-USD',
    price: '60012.34',
    size: '0.00345678',
    event_time: 1_714_566_896_123_456,
    intended_at: 1_714_566_896_123_456,
    produced_at: 1_714_566_896_124_001,
  });
  console.log(
    `${client}, ${producers} producer thread(s), ${pairs.length} symbols, batch ${values.batch}, in-flight ${values['in-flight']}, ${seconds}s per rate, event ~${sample.length} B`,
  );
  // A cold process (JIT, first connection, first topic) lags for a few seconds; measure a warm one.
  await runRate('10000', Number(values['warmup-seconds']));
  console.log(
    '    rate   offered  achieved      sent failed  lag p50  lag p99 lag p999  lag max behind cpu us/ev cpu %' +
      (values['broker-pid'] === undefined ? '' : ' brk us/ev brk %'),
  );
  let bestEventsPerSec = 0;
  for (const rate of (values.rates ?? '').split(',')) {
    const result = await runRate(rate);
    const { report } = result;
    console.log(row(rate, result));
    for (const error of new Set(report.sendErrors)) console.log(`  send error: ${error}`);
    if (!report.behindSchedule || rate === 'max') {
      bestEventsPerSec = Math.max(bestEventsPerSec, report.achievedRateEventsPerSec);
    }
  }
  if (Number(values['perf-records']) === 0) return;
  const perf = await kafkaPerf(sample.length);
  console.log(`ProducerPerformance: ${perf}`);
  const perfEventsPerSec = Number(/([\d.]+) records\/sec/.exec(perf)?.[1]);
  console.log(
    `best producer rate / ProducerPerformance = ${(bestEventsPerSec / perfEventsPerSec).toFixed(2)}`,
  );
}

await main();
