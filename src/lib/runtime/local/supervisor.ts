import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceName } from '../../config/defaults.js';
import type { RestartRecord } from '../../results/fault-record.js';
import { packageRoot } from '../java.js';
import { isOurs, startDetached, stopGroup } from '../processes.js';
import { readState, statePaths, updateState, type ServiceRecord } from '../state.js';
import { deadJobReason } from './job-health.js';
import { respawnService, supervisedServices } from './respawn.js';
import { nextRestart } from '../supervision-policy.js';

/**
 * The local runtime's supervisor. The CLI is not a daemon: each command starts, acts and exits, while the stack's
 * processes keep running. So `up` starts one small detached process per stack (`crypto-bench supervise
 * --state-dir DIR`, hidden), recorded in the state file like every service and stopped first by `down`. It polls
 * the recorded pids twice a second; a service that exited and was not stopped on purpose (`stopping`) is started
 * again the way `up` started it, with backoff and a cap (`supervision-policy.ts`); so is a job whose process
 * is alive but whose job can no longer run (asked every 5 s, `job-health.ts`), once the supervisor stopped it.
 * What it did is in `supervision.json` (read by `status` and by `run`, which puts every restart during a run in
 * the run record) and in `logs/supervisor.log`. A separate process, rather than a thread of some CLI command, is
 * what outlives the command that started the stack; one per stack keeps stacks in different state directories
 * independent.
 */

/** What the supervisor did to one service. */
export interface ServiceSupervision {
  /** Restarts so far. */
  restarts: number;
  /** How the process before the last restart ended; null before any restart. */
  lastExitReason: string | null;
  /** When it was last restarted, epoch µs; null before any restart. */
  lastRestartAtUs: number | null;
  /** Why it is no longer restarted (it keeps crashing); null while supervised. */
  gaveUp: string | null;
}

/** `supervision.json`: written by the supervisor only. */
export interface SupervisionFile {
  /** Per service. */
  services: Partial<Record<ServiceName, ServiceSupervision>>;
  /** Every restart, in time order. */
  restarts: RestartRecord[];
}

const POLL_MS = 500;
/** How often a live job's engine is asked whether its job still runs, ms. */
const PROBE_EVERY_MS = 5000;
/** How long a job stopped for an ended job gets to exit before SIGKILL, ms. */
const STOP_GRACE_MS = 10_000;

/** Reads what the supervisor did; undefined when no supervisor ever wrote it. */
export function readSupervision(stateDir: string): SupervisionFile | undefined {
  const file = statePaths(stateDir).supervision;
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SupervisionFile;
  } catch {
    return undefined;
  }
}

function writeSupervision(stateDir: string, file: SupervisionFile): void {
  const target = statePaths(stateDir).supervision;
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(file, null, 2)}\n`);
  renameSync(temp, target);
}

/** Starts the stack's supervisor (when it has none running) and records it in the state file. */
export async function startSupervisor(stateDir: string): Promise<void> {
  const state = readState(stateDir);
  if (!state || (state.supervisor && isOurs(state.supervisor.pid, stateDir))) return;
  const logFile = path.join(statePaths(stateDir).logs, 'supervisor.log');
  const pid = await startDetached({
    command: process.execPath,
    args: [path.join(packageRoot(), 'bin', 'run.js'), 'supervise', '--state-dir', stateDir],
    logFile,
  });
  updateState(
    stateDir,
    (fresh) => (fresh.supervisor = { pid, logFile, startedAt: new Date().toISOString() }),
  );
}

/** Stops the stack's supervisor, if one runs; services keep running, unsupervised. */
export async function stopSupervisor(stateDir: string): Promise<void> {
  const supervisor = readState(stateDir)?.supervisor;
  if (supervisor && isOurs(supervisor.pid, stateDir)) await stopGroup(supervisor.pid, 'SIGTERM', 5000);
  updateState(stateDir, (fresh) => delete fresh.supervisor);
}

/** True when the stack's supervisor runs. */
export function isSupervised(stateDir: string): boolean {
  const supervisor = readState(stateDir)?.supervisor;
  return supervisor !== undefined && isOurs(supervisor.pid, stateDir);
}

/** The supervisor's loop (the hidden `supervise` command); ends when the stack is gone or on `signal`. */
export async function superviseStack(stateDir: string, signal: AbortSignal): Promise<void> {
  const file: SupervisionFile = readSupervision(stateDir) ?? { services: {}, restarts: [] };
  const restartTimes = new Map<ServiceName, number[]>();
  const dueAt = new Map<ServiceName, number>();
  const exits = new Map<ServiceName, string>();
  // Why a live process was stopped because its job could no longer run (`job-health.ts`), until it is restarted.
  const endedJobs = new Map<ServiceName, string>();
  const probedAt = new Map<ServiceName, number>();
  const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);
  const strikes = new Map<ServiceName, number>();
  /**
   * Probes a live job now and then; one found dead by two probes in a row (a TaskManager may register a moment
   * after its job was submitted) is stopped here and restarted like a crash.
   */
  const probe = async (name: ServiceName, record: ServiceRecord) => {
    if (Date.now() - (probedAt.get(name) ?? 0) < PROBE_EVERY_MS) return;
    probedAt.set(name, Date.now());
    const reason = await deadJobReason(name, record);
    strikes.set(name, reason ? (strikes.get(name) ?? 0) + 1 : 0);
    if (!reason || (strikes.get(name) ?? 0) < 2 || signal.aborted) return;
    strikes.set(name, 0);
    endedJobs.set(name, `${reason}; stopped by the supervisor`);
    log(`${name} (pid ${record.pid}): ${reason}; stopping it to restart it`);
    await stopGroup(record.pid, 'SIGTERM', STOP_GRACE_MS);
  };
  log(`supervising ${stateDir}`);
  while (!signal.aborted) {
    const state = readState(stateDir);
    if (!state) break;
    for (const name of supervisedServices(state)) {
      const record = state.services[name];
      const entry = (file.services[name] ??= {
        restarts: 0,
        lastExitReason: null,
        lastRestartAtUs: null,
        gaveUp: null,
      });
      if (!record || record.stopping || entry.gaveUp || isOurs(record.pid, stateDir)) {
        if (record && !record.stopping && !entry.gaveUp && isOurs(record.pid, stateDir)) {
          dueAt.delete(name);
          await probe(name, record);
        }
        continue;
      }
      const now = Date.now();
      if (!dueAt.has(name)) {
        const decision = nextRestart(restartTimes.get(name) ?? [], now);
        if (decision.action === 'give-up') {
          entry.gaveUp = decision.reason;
          log(`${name} ${decision.reason}`);
          writeSupervision(stateDir, file);
          continue;
        }
        dueAt.set(name, now + decision.delayMs);
        log(`${name} (pid ${record.pid}) is gone; restarting in ${decision.delayMs} ms`);
      }
      if (now < (dueAt.get(name) as number)) continue;
      dueAt.delete(name);
      const exitReason =
        endedJobs.get(name) ??
        exits.get(name) ??
        'exit status unknown (started by `up`, not by the supervisor)';
      try {
        const pid = await respawnService(state, name, (code, sig) =>
          exits.set(name, sig ? `killed by ${sig}` : `exited with code ${code}`),
        );
        exits.delete(name);
        endedJobs.delete(name);
        restartTimes.set(name, [...(restartTimes.get(name) ?? []), now]);
        entry.restarts++;
        entry.lastExitReason = exitReason;
        entry.lastRestartAtUs = now * 1000;
        file.restarts.push({ service: name, atUs: now * 1000, exitReason, attempt: entry.restarts, pid });
        log(`${name} restarted as pid ${pid} (restart ${entry.restarts}; before: ${exitReason})`);
      } catch (error) {
        restartTimes.set(name, [...(restartTimes.get(name) ?? []), now]);
        log(`${name} could not be restarted: ${(error as Error).message}`);
      }
      writeSupervision(stateDir, file);
    }
    await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
  }
  log('supervisor stopped');
}
