import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second (USER_HZ), 100 on every Linux this tool targets. */
const CLOCK_TICKS_PER_SEC = 100;

/** CPU time and memory of a process and all its descendants at one moment. */
export interface ProcessTreeSample {
  /** When the sample was taken (epoch ms). */
  atMs: number;
  /** User + system CPU time of the tree so far, seconds. */
  cpuSeconds: number;
  /** Resident memory of the tree, bytes. */
  rssBytes: number;
}

/**
 * Samples a process tree from /proc; undefined when the root process is gone. `withReaped` also counts the CPU
 * time of descendants that already exited and were waited for (cutime + cstime of each live member): what a
 * process that forks short-lived workers (Airflow's DAG processor and task runners) spent in them.
 */
export function sampleProcessTree(pid: number, withReaped = false): ProcessTreeSample | undefined {
  const pids = processTree(pid);
  if (pids.length === 0) return undefined;
  let ticks = 0;
  let rssBytes = 0;
  for (const member of pids) {
    ticks += cpuTicks(member, withReaped);
    rssBytes += rss(member);
  }
  return { atMs: Date.now(), cpuSeconds: ticks / CLOCK_TICKS_PER_SEC, rssBytes };
}

/** Resident memory of a process tree in bytes (PostgreSQL forks a process per backend). */
export function treeRssBytes(pid: number): number | undefined {
  const pids = processTree(pid);
  return pids.length === 0 ? undefined : pids.reduce((sum, member) => sum + rss(member), 0);
}

function processTree(pid: number): number[] {
  if (read(`/proc/${pid}/stat`) === undefined) return [];
  const children = (read(`/proc/${pid}/task/${pid}/children`) ?? '').split(/\s+/).filter(Boolean).map(Number);
  return [pid, ...children.flatMap((child) => processTree(child))];
}

/** utime + stime (fields 14 and 15 of /proc/PID/stat, counted after the command name), + cutime + cstime. */
function cpuTicks(pid: number, withReaped: boolean): number {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return 0;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const own = Number(fields[11]) + Number(fields[12]);
  return withReaped ? own + Number(fields[13]) + Number(fields[14]) : own;
}

function rss(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(read(`/proc/${pid}/status`) ?? '');
  return match ? Number(match[1]) * 1024 : 0;
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
