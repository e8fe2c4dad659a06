import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { sampleProcessTree, treeRssBytes } from './proc-stats.js';

describe('sampleProcessTree', () => {
  it('reads CPU time and memory of a live process', () => {
    const started = Date.now();
    while (Date.now() - started < 50) Math.sqrt(Math.random());
    const sample = sampleProcessTree(process.pid);
    expect(sample?.cpuSeconds).toBeGreaterThan(0);
    expect(sample?.rssBytes).toBeGreaterThan(10 * 2 ** 20);
    expect(treeRssBytes(process.pid)).toBeGreaterThan(0);
  });

  it('returns nothing for a process that does not exist', () => {
    expect(sampleProcessTree(2 ** 22 + 7)).toBeUndefined();
  });

  it('also counts the CPU time of exited children a process waited for, when asked', () => {
    // The child spins until it has used 300 ms of CPU itself, however busy the machine is.
    const child = spawnSync(process.execPath, ['-e', 'while (process.cpuUsage().user < 300000);']);
    expect(child.status).toBe(0);
    const own = sampleProcessTree(process.pid)?.cpuSeconds ?? 0;
    const withReaped = sampleProcessTree(process.pid, true)?.cpuSeconds ?? 0;
    expect(withReaped - own).toBeGreaterThanOrEqual(0.2);
  }, 60_000); // 300 ms of CPU can take many seconds of wall time on a loaded machine
});
