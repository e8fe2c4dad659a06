import type { Engine } from '../config/defaults.js';
import type { FaultAction, FaultTarget } from '../config/fault-flags.js';
import type { RecoveryFigures } from '../metrics/recovery.js';

/** One fault of `run --fault`, as planned, as injected, and what it did to each engine it hit. */
export interface FaultRecord {
  /** The flag value, e.g. `flink:kill@60s`. */
  text: string;
  /** What was hit. */
  target: FaultTarget;
  /** What was done to it. */
  action: FaultAction;
  /** When it was planned, since the producer started, ms. */
  plannedAtMs: number;
  /** When it was planned, epoch µs. */
  plannedAtUs: number;
  /**
   * When the signal had surely landed: the runtime's injection returned (a restart: when it began), or the attempt
   * failed; epoch µs. Null when the run ended before its time came.
   */
  injectedAtUs: number | null;
  /** Pause only: how long it was asked to last, ms; null otherwise. */
  pauseMs: number | null;
  /** Pause only: when SIGCONT was sent, epoch µs; null otherwise. */
  resumedAtUs: number | null;
  /** Process hit (local runtime). */
  pid?: number;
  /** Container hit (docker runtime). */
  container?: string;
  /** injected: done; not-injected: could not be (e.g. the process was already gone); skipped: the run ended first. */
  outcome: 'injected' | 'not-injected' | 'skipped';
  /** What happened, in words (e.g. "SIGKILL to process group 1234", "process 1234 was already gone"). */
  detail: string;
  /** Recovery of each engine the fault hit (its job: that engine; Kafka or PostgreSQL: every engine). */
  recovery: Partial<Record<Engine, EngineRecovery>>;
}

/** Recovery of one engine from one fault: the figures of `recoveryFigures` plus what needs the rows. */
export interface EngineRecovery extends RecoveryFigures {
  /** Rows committed during the incident (fault to recovery) with latency above the p99 bound; null when unknown. */
  delayedEvents: number | null;
}

/** A restart of a service by the supervisor (local runtime) or the Docker engine (restart policy). */
export interface RestartRecord {
  /** Service restarted, e.g. `flink` or `kafka`; for Docker, the container's role. */
  service: string;
  /** When it was restarted, epoch µs. */
  atUs: number;
  /** Why the previous process ended, e.g. "killed by SIGKILL" or "exit code 1". */
  exitReason: string;
  /** Restarts of this service so far, counting this one. */
  attempt: number;
  /** New process id (local runtime). */
  pid?: number;
}
