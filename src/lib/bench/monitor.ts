import type pg from 'pg';
import type { Engine } from '../config/defaults.js';
import { engineTables } from '../engines/schema.js';
import type { ProcessSample } from '../metrics/cost.js';
import type { FreshnessSample } from '../metrics/freshness.js';
import { perSecondFromCumulative } from '../metrics/recovery.js';
import { nowUs } from '../producer/clock.js';
import type { ProducerProgress } from '../producer/producer.js';
import type { CostSampler } from '../runtime/runtime.js';

/** What the live panel shows of one engine. */
export interface EngineLive {
  /** Rows of this run seen committed so far (rows are counted as their seq passes the highest seen). */
  committedRows: number;
  /** Median end-to-end latency of the rows that became visible in the last second, µs. */
  p50Us: number | null;
  /** 99th percentile of the same, µs. */
  p99Us: number | null;
  /** now − max(produced_at) of committed rows, µs. */
  freshnessUs: number | null;
}

interface EngineCursor {
  lastSeq: number;
  maxProducedAtUs: number | null;
}

/**
 * Samples every engine once a second while a run goes: freshness (`now − max(produced_at)` of committed rows),
 * CPU time and memory of the engine's processes, and the live panel's figures. Each query reads only rows
 * newer than the last one seen, through the primary key, so sampling stays cheap at any table size.
 */
export class RunMonitor {
  /** Freshness samples per engine, one a second. */
  readonly freshness: Record<string, FreshnessSample[]> = {};
  /** Process samples per engine, one a second. */
  readonly cost: Record<string, ProcessSample[]> = {};
  /** Current figures per engine for the live panel. */
  readonly live: Record<string, EngineLive> = {};
  private readonly cursors: Record<string, EngineCursor> = {};
  private readonly sentBySecond: number[] = [];
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;

  constructor(
    private readonly client: pg.Client,
    private readonly runId: string,
    engines: Engine[],
    private readonly sampleCost: CostSampler,
    /** Subtracted from commit times: PostgreSQL's clock minus this host's, µs (docs/measurement.md#clocks-across-hosts). */
    private readonly clockOffsetUs = 0,
  ) {
    for (const engine of engines) {
      this.freshness[engine] = [];
      this.cost[engine] = [];
      this.live[engine] = { committedRows: 0, p50Us: null, p99Us: null, freshnessUs: null };
      this.cursors[engine] = { lastSeq: -1, maxProducedAtUs: null };
    }
  }

  /** Starts sampling once a second. */
  start(): void {
    this.timer = setInterval(() => {
      // A sample that fails (PostgreSQL restarting under a fault) is skipped, never an unhandled rejection.
      this.ticking ??= this.tick()
        .catch(() => undefined)
        .finally(() => (this.ticking = undefined));
    }, 1000);
  }

  /** Stops sampling and waits for a sample in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
  }

  /** Notes the producer's cumulative count (called about once a second), for the per-second offered rate. */
  noteProducer(progress: ProducerProgress): void {
    this.sentBySecond[Math.floor(progress.elapsedMs / 1000)] = progress.sent;
  }

  /** Events sent during second `index` of the run; null when the producer did not report around it. */
  sentPerSecond(index: number): number | null {
    const end = this.sentBySecond[index];
    const start = index === 0 ? 0 : this.sentBySecond[index - 1];
    return end === undefined || start === undefined ? null : end - start;
  }

  /**
   * Events sent in each of the first `count` seconds of the run, none lost across seconds without a report
   * (`perSecondFromCumulative`): what a backlog must be computed from, where `sentPerSecond`'s unknown seconds
   * would drop events.
   */
  sentEachSecond(count: number): number[] {
    return perSecondFromCumulative(this.sentBySecond, count);
  }

  private async tick(): Promise<void> {
    for (const engine of Object.keys(this.cursors) as Engine[]) {
      const sample = await this.sampleCost(engine).catch(() => undefined);
      if (sample) this.cost[engine]?.push(sample);
      await this.sampleTable(engine).catch(() => undefined);
    }
  }

  private async sampleTable(engine: Engine): Promise<void> {
    const cursor = this.cursors[engine] as EngineCursor;
    const result = await this.client.query<{
      n: string;
      max_seq: string | null;
      max_produced: string | null;
      p50: number | null;
      p99: number | null;
    }>(
      `SELECT count(*) AS n, max(seq) AS max_seq, max(produced_at_us) AS max_produced,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY commit_us - $3::bigint - produced_at_us) AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY commit_us - $3::bigint - produced_at_us) AS p99
       FROM ${engineTables(engine).timed} WHERE run_id = $1 AND seq > $2`,
      [this.runId, cursor.lastSeq, Math.round(this.clockOffsetUs)],
    );
    const row = result.rows[0];
    const atUs = nowUs();
    const live = this.live[engine] as EngineLive;
    if (row && row.max_seq !== null) {
      cursor.lastSeq = Number(row.max_seq);
      cursor.maxProducedAtUs = Math.max(cursor.maxProducedAtUs ?? 0, Number(row.max_produced));
      live.committedRows += Number(row.n);
      live.p50Us = row.p50;
      live.p99Us = row.p99;
    }
    this.freshness[engine]?.push({ atUs, maxProducedAtUs: cursor.maxProducedAtUs });
    live.freshnessUs = cursor.maxProducedAtUs === null ? null : atUs - cursor.maxProducedAtUs;
  }
}
