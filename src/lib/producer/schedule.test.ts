import { describe, expect, it } from 'vitest';
import { OpenLoopSchedule, parseBurst } from './schedule.js';

describe('parseBurst', () => {
  it('reads period, burst length and multiplier', () => {
    expect(parseBurst('10s:2s:5x')).toEqual({ everyMs: 10_000, durationMs: 2_000, multiplier: 5 });
    expect(parseBurst('1m:500ms:2.5')).toEqual({ everyMs: 60_000, durationMs: 500, multiplier: 2.5 });
  });

  it('explains the format when it is not followed', () => {
    expect(parseBurst('10s')).toMatch(/write EVERY:DURATION:MULTIPLIER, e\.g\. 10s:2s:5x/);
    expect(parseBurst('10s:2s:fast')).toMatch(/not a burst/);
  });

  it('names the part with a bad duration', () => {
    expect(parseBurst('10:2s:5x')).toMatch(/^period .*has no unit/);
    expect(parseBurst('10s:2parsecs:5x')).toMatch(/^burst length .*not a duration/);
  });

  it('rejects a burst as long as its period and a zero multiplier', () => {
    expect(parseBurst('2s:2s:5x')).toMatch(/less than its period/);
    expect(parseBurst('10s:2s:0x')).toMatch(/multiplier must be above 0/);
  });
});

describe('OpenLoopSchedule', () => {
  it('spaces events exactly 1/rate apart', () => {
    const schedule = new OpenLoopSchedule(10_000);
    for (let i = 0; i < 100_000; i += 997) expect(schedule.offsetUs(i)).toBe(i * 100);
    expect(new OpenLoopSchedule(3).offsetUs(3)).toBe(1_000_000);
  });

  it('runs each period at the base rate, then bursts at the multiple for the burst length', () => {
    const schedule = new OpenLoopSchedule(100, { everyMs: 10_000, durationMs: 2_000, multiplier: 5 });
    // 8 s at 100/s = 800 calm events, then 2 s at 500/s = 1000 burst events: 1800 per period.
    expect(schedule.offsetUs(799)).toBeCloseTo(7_990_000, 3);
    expect(schedule.offsetUs(800)).toBeCloseTo(8_000_000, 3);
    expect(schedule.offsetUs(801) - schedule.offsetUs(800)).toBeCloseTo(2_000, 3);
    expect(schedule.offsetUs(1800)).toBeCloseTo(10_000_000, 3);
    expect(schedule.offsetUs(1801) - schedule.offsetUs(1800)).toBeCloseTo(10_000, 3);
    expect(schedule.offsetUs(5 * 1800)).toBeCloseTo(50_000_000, 3);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new OpenLoopSchedule(0)).toThrow(/positive number/);
    expect(() => new OpenLoopSchedule(Number.NaN)).toThrow(/positive number/);
  });
});
