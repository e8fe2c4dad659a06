import { describe, expect, it } from 'vitest';
import { parseCountList, parseDurationList, parseTriggerList } from './lists.js';

describe('parseTriggerList', () => {
  it('reads intervals, zero and realtime', () => {
    expect(parseTriggerList('0,1s,5s,15s,30s,realtime')).toEqual([0, 1000, 5000, 15_000, 30_000, 'realtime']);
  });

  it('names a malformed unit', () => {
    expect(parseTriggerList('5s,5parsecs')).toMatch(/"5parsecs" is not a duration/);
  });

  it('refuses the same value twice and empty items', () => {
    expect(parseTriggerList('5s,5000ms')).toMatch(/twice/);
    expect(parseTriggerList('5s,,1s')).toMatch(/empty item/);
  });
});

describe('parseDurationList', () => {
  it('reads bare numbers in the flag unit', () => {
    expect(parseDurationList('0,10,100ms')).toEqual([0, 10, 100]);
    expect(parseDurationList('1,2', 's')).toEqual([1000, 2000]);
  });
});

describe('parseCountList', () => {
  it('reads plain numbers and k/m suffixes', () => {
    expect(parseCountList('1000,10k,0.05m')).toEqual([1000, 10_000, 50_000]);
  });

  it('refuses fractions, zero and words', () => {
    expect(parseCountList('1.5')).toMatch(/whole number/);
    expect(parseCountList('0')).toMatch(/at least 1/);
    expect(parseCountList('lots')).toMatch(/not a whole number/);
  });
});
