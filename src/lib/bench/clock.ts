import { networkInterfaces } from 'node:os';
import type { StackConfig } from '../config/stack-config.js';
import { postgresAccess } from '../engines/access.js';
import { connect } from '../engines/postgres.js';
import { describe } from '../errors.js';
import {
  combineClockEstimates,
  estimateClockOffset,
  type ClockEstimate,
  type ClockRecord,
  type ClockSample,
} from '../metrics/clock-offset.js';
import { nowUs } from '../producer/clock.js';

/** Round trips of `SELECT clock_timestamp()` per estimate (a few ms on one host; NTP keeps the best of 8). */
export const CLOCK_ROUND_TRIPS = 20;

/** PostgreSQL's clock at the moment it runs the query, epoch µs, exact (extract gives numeric from PG 14). */
const SERVER_CLOCK_SQL = `SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint AS us`;

/**
 * One estimate of PostgreSQL's clock minus this host's (docs/measurement.md#clocks-across-hosts), on its own
 * connection so no other query queues in front of a round trip: one unmeasured query first (the connection's
 * first statement pays for parsing and catalog lookups), then `roundTrips` timed with the clock the producer
 * stamps `produced_at` with ({@link nowUs}).
 */
export async function estimateServerClock(
  stack: StackConfig,
  roundTrips = CLOCK_ROUND_TRIPS,
): Promise<ClockEstimate | null> {
  const client = await connect(stack);
  try {
    await client.query(SERVER_CLOCK_SQL);
    const samples: ClockSample[] = [];
    for (let i = 0; i < roundTrips; i++) {
      const sentUs = nowUs();
      const result = await client.query<{ us: string }>(SERVER_CLOCK_SQL);
      const receivedUs = nowUs();
      samples.push({ sentUs, serverUs: Number(result.rows[0]?.us), receivedUs });
    }
    return estimateClockOffset(samples.filter((s) => Number.isFinite(s.serverUs)));
  } finally {
    await client.end();
  }
}

/**
 * The start or end estimate of a run, never failing the run: a PostgreSQL that cannot be reached for it (a fault
 * just restarted it) leaves the estimate null with the reason in `problems`.
 */
export async function tryEstimateServerClock(
  stack: StackConfig,
  when: 'start' | 'end',
  problems: string[],
): Promise<ClockEstimate | null> {
  try {
    const estimate = await estimateServerClock(stack);
    if (!estimate)
      problems.push(`the clock offset at the ${when} could not be estimated: no valid round trip`);
    return estimate;
  } catch (error) {
    problems.push(`the clock offset at the ${when} could not be estimated: ${describe(error)}`);
    return null;
  }
}

/** A run's clock record from its start and end estimates (see {@link combineClockEstimates}). */
export function runClock(
  stack: StackConfig,
  start: ClockEstimate | null,
  end: ClockEstimate | null,
  problems: string[],
): ClockRecord {
  return combineClockEstimates({
    start,
    end,
    oneHost: sharesHostClock(stack),
    samples: CLOCK_ROUND_TRIPS,
    problems,
  });
}

/**
 * PostgreSQL reads this host's clock: crypto-bench started it here (local runtime, or a container on this host's
 * Docker engine, which shares its kernel's clock), or the cluster file names it by a loopback address, a Unix
 * socket, or an address of one of this host's interfaces. A host name other than `localhost` is not resolved:
 * it counts as another host, and its offset is applied.
 */
export function sharesHostClock(stack: StackConfig): boolean {
  const access = postgresAccess(stack);
  if (access.owned) return true;
  const own = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
  return isThisHost(access.host, own);
}

/** `host` names this machine: loopback (127.0.0.0/8, ::1, localhost), a Unix socket path, or one of `own`. */
export function isThisHost(host: string, own: readonly string[]): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === '::1' || bare.startsWith('/')) return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare)) return true;
  return own.some((address) => address.toLowerCase() === bare);
}

/** `environment.clockAssumption` of a run with a measured clock. */
export function clockAssumption(clock: ClockRecord): string {
  return clock.oneHost
    ? 'one host: producer and PostgreSQL read the same system clock (offset measured, not applied)'
    : "two hosts: PostgreSQL's commit times corrected by the measured clock offset (see clock)";
}
