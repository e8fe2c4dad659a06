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
});
