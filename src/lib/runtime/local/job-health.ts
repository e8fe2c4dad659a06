import { DEFAULTS, type ServiceName } from '../../config/defaults.js';
import { FlinkRest } from '../../engines/flink-rest.js';
import type { ServiceRecord } from '../state.js';

/**
 * Whether a job whose process is alive still runs its job: the local supervisor's liveness probe, the way a
 * production deployment probes an engine's own API and not only its process (Kubernetes liveness probes, the
 * Flink Kubernetes operator's job health check). A Flink MiniCluster can outlive its job: the JVM stays up while
 * the job has ended FAILED (its restart strategy gave up, or a failure Flink does not restart from), and then
 * nothing consumes although `status` says the process is healthy. Such a job counts as dead: the supervisor
 * stops its process and restarts it with backoff, like a crash. Only a definite answer counts: a REST API that
 * does not answer (a paused JVM, a busy machine) says nothing.
 */

/** Job states after which a Flink job never runs again (Flink's `JobStatus.isGloballyTerminalState`, plus SUSPENDED). */
const ENDED_STATES = ['FAILED', 'CANCELED', 'FINISHED', 'SUSPENDED'];

/** How long one probe may wait for the REST API, ms. */
const PROBE_TIMEOUT_MS = 3000;

/**
 * Why the jobs a Flink cluster reports (`GET /jobs`) mean its job no longer runs; null while one runs or may
 * run again (RUNNING, RESTARTING, CREATED, ...), and when it has none yet (the MiniCluster is starting it).
 */
export function endedJobReason(jobs: readonly { id: string; status: string }[]): string | null {
  if (jobs.length === 0 || jobs.some((job) => !ENDED_STATES.includes(job.status))) return null;
  const states = jobs.map((job) => `${job.id} ${job.status}`).join(', ');
  return `its process was alive but its job had ended (${states})`;
}

/**
 * Probes a live job process: the reason it counts as dead, or null when it runs, cannot be judged (no probe for
 * this engine) or did not answer. Flink: its MiniCluster's REST API on the UI port. The Spark job restarts its
 * failed queries itself and exits when it gives up; the baseline exits on a failure: their process is the probe.
 */
export async function deadJobReason(name: ServiceName, record: ServiceRecord): Promise<string | null> {
  if (name !== 'flink' || record.uiPort === undefined) return null;
  try {
    const jobs = await new FlinkRest(`http://${DEFAULTS.host}:${record.uiPort}`, PROBE_TIMEOUT_MS).jobs();
    return endedJobReason(jobs);
  } catch {
    return null;
  }
}
