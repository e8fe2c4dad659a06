import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** How to start one supervised process. */
export interface ProcessSpec {
  /** Executable. */
  command: string;
  /** Arguments. */
  args: string[];
  /** Log file that receives stdout and stderr (appended). */
  logFile: string;
  /** Working directory. */
  cwd?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Run as this user (only when the CLI runs as root). */
  uid?: number;
  /** Run with this group (only when the CLI runs as root). */
  gid?: number;
}

/**
 * Starts a process detached in its own process group, with output to its log file, and lets the CLI exit
 * while it keeps running. Returns its pid, which is also its process group id. `onExit` hears how it ended
 * (only while this process lives: the supervisor uses it for the exit reason of what it restarted).
 */
export async function startDetached(
  spec: ProcessSpec,
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void,
): Promise<number> {
  mkdirSync(path.dirname(spec.logFile), { recursive: true });
  const log = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      detached: true,
      stdio: ['ignore', log, log],
      uid: spec.uid,
      gid: spec.gid,
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve(child.pid as number));
    });
    if (onExit) child.once('exit', onExit);
    child.unref();
    return pid;
  } finally {
    closeSync(log);
  }
}

/** True when a process with this pid exists (and is not a zombie). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = readProc(pid, 'stat');
  return stat === undefined || !/^\d+ \(.*\) Z/.test(stat);
}

/**
 * True when `pid` is alive and its command line contains `marker` (the state directory): a recycled pid
 * that now belongs to someone else's process is never ours to stop.
 */
export function isOurs(pid: number, marker: string): boolean {
  if (!isAlive(pid)) return false;
  const cmdline = readProc(pid, 'cmdline');
  return cmdline === undefined || cmdline.replaceAll('\0', ' ').includes(marker);
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Stops a process group: `signal` first, SIGKILL after `graceMs`. Resolves once the leader is gone.
 * A process that already died is fine.
 */
export async function stopGroup(
  pid: number,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 15_000,
): Promise<void> {
  if (!isAlive(pid)) return;
  signalGroup(pid, signal);
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) {
    signalGroup(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(50);
  }
}

/** Sends a signal to a process group (falling back to the process alone); false when it is gone. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      // Already gone: nothing to signal.
      return false;
    }
  }
}

/** The last `lines` lines of a log file, for error messages. */
export function tailFile(file: string, lines = 20): string {
  if (!existsSync(file)) return '(no log file)';
  const size = statSync(file).size;
  const text = readFileSync(file, 'utf8').slice(Math.max(0, size - 64_000));
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
