import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PRODUCER_NICE, raiseAutogroupPriority } from './priority.js';

const autogroupNice = () => Number(/nice\s+(-?\d+)/.exec(readFileSync('/proc/self/autogroup', 'utf8'))?.[1]);
const autogroupsOn =
  existsSync('/proc/sys/kernel/sched_autogroup_enabled') &&
  readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1';

describe('raiseAutogroupPriority', () => {
  it.runIf(autogroupsOn && process.getuid?.() === 0)(
    "gives this session's autogroup the producer's nice while producing, then puts the old value back",
    () => {
      const before = autogroupNice();
      const restore = raiseAutogroupPriority();
      try {
        if (before <= PRODUCER_NICE) expect(restore).toBeUndefined();
        else expect(autogroupNice()).toBe(PRODUCER_NICE);
      } finally {
        restore?.();
      }
      expect(autogroupNice()).toBe(before);
    },
  );

  it.runIf(!autogroupsOn)('changes nothing where the kernel does not group by session', () => {
    expect(raiseAutogroupPriority()).toBeUndefined();
  });
});
