import os from 'node:os';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * How the producer is scheduled (`--producer-priority`). `normal` (the default): its threads ask for nice −10,
 * which with the kernel's autogroups on only weighs inside the CLI's own session. `high`: while producing, the
 * CLI's autogroup gets the same weight, so the producer is punctual beside the engines — and they pay for it
 * (docs/measurement.md#the-schedule-lag-beside-the-engines).
 */
export const PRODUCER_PRIORITIES = ['high', 'normal'] as const;
export type ProducerPriority = (typeof PRODUCER_PRIORITIES)[number];

/** Nice value the producer threads ask for: ahead of the engines, so the load generator is not what falls behind. */
export const PRODUCER_NICE = -10;

/**
 * Raises the scheduling priority of the calling thread to {@link PRODUCER_NICE} when the OS allows it (root, or
 * CAP_SYS_NICE); returns whether it could. On Linux a nice value belongs to a thread, so a producer worker
 * thread that calls this gets ahead of the JVMs on 2 shared cores while the CLI's main thread (live panel,
 * monitor queries) and every process started later keep the normal priority.
 */
export function raiseThreadPriority(): boolean {
  try {
    if (os.getPriority() > PRODUCER_NICE) os.setPriority(PRODUCER_NICE);
    return true;
  } catch {
    return false;
  }
}

const AUTOGROUP = '/proc/self/autogroup';
const AUTOGROUP_ENABLED = '/proc/sys/kernel/sched_autogroup_enabled';

/**
 * What {@link raiseAutogroupPriority} did: `restore` puts the old value back when it changed one; `notGiven` says
 * why `high` could not be given where the kernel groups by session; neither when nothing was needed (autogroups
 * off, so the threads' own nice already weighs against every process; or the group already as high).
 */
export interface AutogroupRaise {
  restore?: () => void;
  notGiven?: string;
}

/** Left while a CLI holds its session's autogroup raised: what to put back, and who raised it. */
interface RaisedMark {
  before: string;
  pid: number;
}

/**
 * Gives this process's autogroup the weight of {@link PRODUCER_NICE} while the producer runs, when the kernel
 * groups by session (`kernel.sched_autogroup_enabled`) and allows it. With autogroups on, CFS shares the CPU
 * between sessions first, and a thread's nice only weighs inside its own session's group: every service of a
 * stack runs in a session of its own, so a producer thread at nice −10 still waited behind whole JVM sessions.
 * The CLI's group holds the CLI (and the shell it runs in); the restore runs when producing ends. While raised,
 * a mark in the temporary directory keeps the old value, so a CLI killed before its restore is put right by the
 * next one producing in that session ({@link putBackLeftAutogroup}); while another live CLI of the session
 * holds it raised, it is left to that one. A process in the root group (its session never set apart, as in
 * many containers) has no autogroup of its own: `/proc/self/autogroup` is empty and nothing can be given — nor
 * is anything needed against processes in that same group.
 */
export function raiseAutogroupPriority(): AutogroupRaise {
  const enabled = readIfExists(AUTOGROUP_ENABLED);
  if (enabled === undefined || enabled.trim() !== '1') return {};
  const group = readAutogroup();
  if (!group) {
    return {
      notGiven: `this process has no session autogroup of its own (${AUTOGROUP} is empty: it runs in the root group, as in a container whose processes share one session), so --producer-priority high changes nothing here`,
    };
  }
  const left = readMark(group.id);
  if (left && left.pid !== process.pid && isAlive(left.pid)) return {};
  const before = left?.before ?? group.nice;
  if (Number(before) <= PRODUCER_NICE) return {};
  try {
    writeFileSync(AUTOGROUP, String(PRODUCER_NICE));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return {
      notGiven: `could not give this session's autogroup nice ${PRODUCER_NICE} (${code}): --producer-priority high needs root or CAP_SYS_NICE`,
    };
  }
  writeMark(group.id, { before, pid: process.pid });
  return { restore: () => putBack(group.id, before) };
}

/**
 * Puts back the autogroup of this session when a CLI that raised it was killed before its restore (its mark is
 * left and its process is gone); called when producing at the normal priority. Nothing otherwise.
 */
export function putBackLeftAutogroup(): void {
  const group = readAutogroup();
  const left = group && readMark(group.id);
  if (group && left && !isAlive(left.pid)) putBack(group.id, left.before);
}

function putBack(groupId: string, before: string): void {
  try {
    writeFileSync(AUTOGROUP, before);
  } catch {
    // The session's group is gone or no longer ours to change: nothing to restore.
  }
  rmSync(markFile(groupId), { force: true });
}

function readAutogroup(): { id: string; nice: string } | undefined {
  const match = /^\/(autogroup-\d+)\s+nice\s+(-?\d+)/.exec(readIfExists(AUTOGROUP) ?? '');
  return match ? { id: match[1] as string, nice: match[2] as string } : undefined;
}

function markFile(groupId: string): string {
  return path.join(os.tmpdir(), `crypto-bench-${groupId}-raised.json`);
}

function readMark(groupId: string): RaisedMark | undefined {
  const text = readIfExists(markFile(groupId));
  if (text === undefined) return undefined;
  try {
    const mark = JSON.parse(text) as Partial<RaisedMark>;
    return typeof mark.before === 'string' && typeof mark.pid === 'number'
      ? { before: mark.before, pid: mark.pid }
      : undefined;
  } catch {
    return undefined;
  }
}

function writeMark(groupId: string, mark: RaisedMark): void {
  try {
    writeFileSync(markFile(groupId), JSON.stringify(mark));
  } catch {
    // Without a mark only a kill before the restore goes unrepaired, as before marks existed.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
