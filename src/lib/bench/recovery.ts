import type pg from 'pg';
import type { Engine } from '../config/defaults.js';
import type { FaultTarget } from '../config/fault-flags.js';
import { engineTables } from '../engines/schema.js';
import { recoveryFigures, type RecoverySecond } from '../metrics/recovery.js';
import type { EngineRecovery, FaultRecord } from '../results/fault-record.js';
import type { EngineSecond } from '../results/record.js';

/** Engines a fault hits: its own engine for a job or a part of one; every engine for Kafka or PostgreSQL. */
export function enginesHitBy(target: FaultTarget, engines: readonly Engine[]): Engine[] {
  if (target === 'kafka' || target === 'postgres') return [...engines];
  const engine = target.split('-')[0] as Engine;
  return engines.includes(engine) ? [engine] : [];
}

/** Where the per-second series of {@link measureRecovery} come from. */
export interface RecoverySeries {
  /** Start of second 0, epoch µs. */
  originUs: number;
  /** Per engine, its per-second series since `originUs`. */
  perEngine: Map<Engine, Map<number, Omit<EngineSecond, 'freshnessUs'>>>;
  /** Events produced in each of the first `count` seconds, none lost (see `perSecondFromCumulative`). */
  producedPerSecond: (count: number) => number[];
  /** Start of the steady-state window, epoch µs: the warm-up before it does not define "normal". */
  normalFromUs: number;
  /** PostgreSQL's clock minus the producer host's, µs (0 on one host). */
  clockOffsetUs?: number;
}

/**
 * Each engine's recovery from each injected fault: the pure figures from the per-second series, plus what
 * needs the rows (the first commit of a row produced after the fault; rows delayed beyond the p99 bound during
 * the incident). Faults are measured in the order they were injected, so that an earlier fault's incident (its
 * injection to its recovery) is left out of a later one's normal level. Fills `fault.recovery` in place.
 * Commit times are put on the producer's clock by subtracting `clockOffsetUs`, PostgreSQL's clock minus the
 * producer host's (docs/measurement.md#clocks-across-hosts).
 */
export async function measureRecovery(
  client: pg.Client,
  faults: FaultRecord[],
  engines: readonly Engine[],
  eventRunId: string,
  series: RecoverySeries,
): Promise<void> {
  const commit = `(commit_us - ${Math.round(series.clockOffsetUs ?? 0)})`;
  const injected = faults
    .filter((f) => f.injectedAtUs !== null && f.outcome === 'injected')
    .sort((a, b) => (a.injectedAtUs as number) - (b.injectedAtUs as number));
  for (const fault of injected) {
    const faultUs = fault.injectedAtUs as number;
    for (const engine of enginesHitBy(fault.target, engines)) {
      const perSecond = series.perEngine.get(engine) ?? new Map();
      const last = Math.max(0, ...perSecond.keys());
      const produced = series.producedPerSecond(last + 1);
      const seconds: RecoverySecond[] = [];
      for (let second = 0; second <= last; second++) {
        const row = perSecond.get(second);
        seconds.push({
          startUs: series.originUs + second * 1_000_000,
          producedEvents: produced[second] ?? 0,
          committedEvents: row?.committedRateEventsPerSec ?? 0,
          p99Us: row?.p99Us ?? null,
        });
      }
      const disturbedUs = injected.flatMap((earlier) => {
        const hit = earlier.recovery[engine];
        return earlier !== fault && hit && (earlier.injectedAtUs as number) < faultUs
          ? [{ startUs: earlier.injectedAtUs as number, endUs: hit.incidentEndUs }]
          : [];
      });
      const next = injected.find(
        (later) =>
          (later.injectedAtUs as number) > faultUs && enginesHitBy(later.target, engines).includes(engine),
      );
      const table = engineTables(engine).timed;
      const first = await client.query<{ t: string | null }>(
        `SELECT min(${commit}) AS t FROM ${table} WHERE run_id = $1 AND produced_at_us >= $2`,
        [eventRunId, faultUs],
      );
      const firstCommit = first.rows[0]?.t;
      const figures = recoveryFigures({
        faultUs,
        seconds,
        normalFromUs: series.normalFromUs,
        disturbedUs,
        ...(next ? { horizonUs: next.injectedAtUs as number } : {}),
        firstCommitAfterFaultUs:
          firstCommit === null || firstCommit === undefined ? null : Number(firstCommit),
      });
      let delayedEvents: number | null = null;
      if (figures.p99BoundUs !== null) {
        const delayed = await client.query<{ n: string }>(
          `SELECT count(*) AS n FROM ${table} WHERE run_id = $1 AND ${commit} >= $2 AND ${commit} < $3
             AND ${commit} - produced_at_us > $4`,
          [eventRunId, faultUs, Math.round(figures.incidentEndUs), Math.round(figures.p99BoundUs)],
        );
        delayedEvents = Number(delayed.rows[0]?.n ?? 0);
      }
      const recovery: EngineRecovery = { ...figures, delayedEvents };
      fault.recovery[engine] = recovery;
    }
  }
}
