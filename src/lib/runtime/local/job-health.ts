import { DEFAULTS, type ServiceName } from '../../config/defaults.js';
import { FlinkRest, type FlinkOverview } from '../../engines/flink-rest.js';
import type { ServiceRecord } from '../state.js';

/**
 * Whether a job whose process is alive still runs its job: the local supervisor's liveness probe, the way a
 * production deployment probes an engine's own API and not only its process (Kubernetes liveness probes, the
 * Flink Kubernetes operator's job health check). A Flink MiniCluster can outlive its job in two ways: its only
 * TaskManager stopped on a fatal error (Flink stops a TaskManager whose task throws while cleaning up after a
 * failure; a MiniCluster never starts another one, so the job stays RUNNING with every task waiting for a slot),
 * or the job ended (FAILED). Either way nothing consumes although the process is up: such a job counts as dead,
 * and the supervisor stops its process and restarts it with backoff, like a crash. Only a definite answer
 * counts: a REST API that does not answer (a paused JVM, a busy machine) says nothing.
 */

/** Job states after which a Flink job never runs again (Flink's `JobStatus.isGloballyTerminalState`, plus SUSPENDED). */
const ENDED_STATES = ['FAILED', 'CANCELED', 'FINISHED', 'SUSPENDED'];

/** How long one probe may wait for the REST API, ms. */
const PROBE_TIMEOUT_MS = 3000;

/**
 * Why what a Flink MiniCluster reports (`GET /overview`, `GET /jobs`) means its job can no longer run; null
 * while it runs or may run again (RUNNING, RESTARTING, CREATED, ... on a TaskManager), and while it has no job
 * yet (the MiniCluster is starting, and its TaskManager may not have registered yet).
 */
export function deadMiniClusterReason(
  overview: Pick<FlinkOverview, 'taskmanagers'>,
  jobs: readonly { id: string; status: string }[],
): string | null {
  if (jobs.length === 0) return null;
  if (jobs.every((job) => ENDED_STATES.includes(job.status))) {
    const states = jobs.map((job) => `${job.id} ${job.status}`).join(', ');
    return `its process was alive but its job had ended (${states})`;
  }
  if (overview.taskmanagers === 0) {
    return 'its process was alive but its MiniCluster had lost its TaskManager (a fatal error: see its log), so no task could run';
  }
  return null;
}

/**
 * Probes a live job process: the reason it counts as dead, or null when it runs, cannot be judged (no probe for
 * this engine) or did not answer. Flink: its MiniCluster's REST API on the UI port. The Spark job restarts its
 * failed queries itself and exits when it gives up; the baseline exits on a failure: their process is the probe.
 */
export async function deadJobReason(name: ServiceName, record: ServiceRecord): Promise<string | null> {
  if (name !== 'flink' || record.uiPort === undefined) return null;
  const rest = new FlinkRest(`http://${DEFAULTS.host}:${record.uiPort}`, PROBE_TIMEOUT_MS);
  try {
    const overview = await rest.overview();
    if (!overview) return null;
    return deadMiniClusterReason(overview, await rest.jobs());
  } catch {
    return null;
  }
}
