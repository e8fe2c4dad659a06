import { describe, expect, it } from 'vitest';
import { jobOverrides, parseTrigger } from './job-flags.js';

describe('parseTrigger', () => {
  it('reads one trigger: 0, an interval or realtime', () => {
    expect(parseTrigger('0')).toBe(0);
    expect(parseTrigger('5s')).toBe(5000);
    expect(parseTrigger('realtime')).toBe('realtime');
  });

  it('sends a list to sweep, and names a bad value', () => {
    expect(parseTrigger('1s,5s')).toMatch(/a list of them is for `sweep`/);
    expect(parseTrigger('soon')).toMatch(/soon/);
  });
});

describe('jobOverrides', () => {
  it('changes only the settings given', () => {
    expect(jobOverrides({})).toEqual({});
    expect(jobOverrides({ 'buffer-timeout': 0, gold: false })).toEqual({
      flinkBufferTimeoutMs: 0,
      gold: false,
    });
  });

  it('switches Real-Time Mode on for realtime and off for an interval', () => {
    expect(jobOverrides({ trigger: 'realtime' })).toEqual({ sparkRealtime: true });
    expect(jobOverrides({ trigger: 5000 })).toEqual({ sparkRealtime: false, sparkTriggerMs: 5000 });
  });
});

describe('delivery, checkpoint interval and state backend', () => {
  it('become job settings like the trigger', () => {
    expect(
      jobOverrides({ delivery: 'exactly-once', 'checkpoint-interval': 5000, 'state-backend': 'rocksdb' }),
    ).toEqual({ delivery: 'exactly-once', flinkCheckpointIntervalMs: 5000, stateBackend: 'rocksdb' });
  });

  it('refuses exactly-once with Real-Time Mode, naming both flags and the fix', () => {
    expect(() => jobOverrides({ delivery: 'exactly-once', trigger: 'realtime' })).toThrow(
      /--delivery exactly-once cannot run with --trigger realtime/,
    );
    expect(jobOverrides({ delivery: 'at-least-once', trigger: 'realtime' })).toEqual({
      delivery: 'at-least-once',
      sparkRealtime: true,
    });
  });
});
