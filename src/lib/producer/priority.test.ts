import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRODUCER_NICE, putBackLeftAutogroup, raiseAutogroupPriority } from './priority.js';

const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
const autogroupNice = () => /nice\s+(-?\d+)/.exec(read('/proc/self/autogroup'))?.[1];
const autogroupsOn = read('/proc/sys/kernel/sched_autogroup_enabled').trim() === '1';
// In the root group (a container whose processes never started a session of their own) the file is empty.
const hasAutogroup = autogroupNice() !== undefined;

describe('raiseAutogroupPriority', () => {
  it.runIf(autogroupsOn && hasAutogroup && process.getuid?.() === 0)(
    "gives this session's autogroup the producer's nice while producing, then puts the old value back",
    () => {
      const before = Number(autogroupNice());
      const raise = raiseAutogroupPriority();
      try {
        expect(raise.notGiven).toBeUndefined();
        if (before <= PRODUCER_NICE) expect(raise.restore).toBeUndefined();
        else expect(Number(autogroupNice())).toBe(PRODUCER_NICE);
      } finally {
        raise.restore?.();
      }
      expect(Number(autogroupNice())).toBe(before);
    },
  );

  it.runIf(autogroupsOn && hasAutogroup && process.getuid?.() === 0)(
    'puts back a group left raised by a CLI killed while producing, when the next one produces at normal priority',
    () => {
      const before = autogroupNice() as string;
      const group = /^\/(autogroup-\d+)/.exec(read('/proc/self/autogroup'))?.[1] as string;
      const gone = spawnSync(process.execPath, ['-e', '0']).pid as number;
      // What a CLI killed before its restore leaves: the group raised, and its mark.
      writeFileSync('/proc/self/autogroup', String(PRODUCER_NICE));
      const mark = path.join(os.tmpdir(), `crypto-bench-${group}-raised.json`);
      writeFileSync(mark, JSON.stringify({ before, pid: gone }));
      try {
        putBackLeftAutogroup();
        expect(autogroupNice()).toBe(before);
        expect(existsSync(mark)).toBe(false);
      } finally {
        writeFileSync('/proc/self/autogroup', before);
      }
    },
  );

  it.runIf(autogroupsOn && !hasAutogroup)(
    'says why high cannot be given to a process without an autogroup of its own, and changes nothing',
    () => {
      const raise = raiseAutogroupPriority();
      expect(raise.restore).toBeUndefined();
      expect(raise.notGiven).toMatch(/no session autogroup.*changes nothing here/);
    },
  );

  it.runIf(!autogroupsOn)('changes nothing where the kernel does not group by session', () => {
    expect(raiseAutogroupPriority()).toEqual({});
  });
});
