import { describe, expect, it } from 'vitest';
import {
  parseCountList,
  parseCpuLimits,
  parseDurationList,
  parseOptionList,
  parseTriggerList,
} from './lists.js';

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

describe('parseCpuLimits', () => {
  it('reads cores per service', () => {
    expect(parseCpuLimits('spark=1,flink=1.5,baseline=0.25')).toEqual({
      spark: 1,
      flink: 1.5,
      baseline: 0.25,
    });
    expect(parseCpuLimits('kafka=2,postgres=0.29')).toEqual({ kafka: 2, postgres: 0.29 });
  });

  it('names an unknown service, a malformed item and a service given twice', () => {
    expect(parseCpuLimits('spark=1,storm=1')).toMatch(/"storm" is not a service; choose from postgres/);
    expect(parseCpuLimits('spark:1')).toMatch(/"spark:1" is not SERVICE=CORES/);
    expect(parseCpuLimits('spark=-1')).toMatch(/not SERVICE=CORES/);
    expect(parseCpuLimits('spark=1,spark=2')).toMatch(/"spark" is given twice/);
  });

  it('refuses limits Docker cannot set', () => {
    expect(parseCpuLimits('spark=0')).toMatch(/at least 0.01 cores/);
    expect(parseCpuLimits('spark=0.005')).toMatch(/steps of 0.01/);
  });
});

describe('parseOptionList', () => {
  it('reads named choices and names a bad one', () => {
    expect(parseOptionList('hashmap,rocksdb', ['hashmap', 'rocksdb'] as const)).toEqual([
      'hashmap',
      'rocksdb',
    ]);
    expect(parseOptionList('hashmap,disk', ['hashmap', 'rocksdb'] as const)).toMatch(
      /"disk" is not one of hashmap, rocksdb/,
    );
  });
});
