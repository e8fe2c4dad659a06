import { Parser, type Interfaces } from '@oclif/core';
import { describe, expect, it } from 'vitest';
import Compose from '../../commands/compose.js';
import Run from '../../commands/run.js';
import Sweep from '../../commands/sweep.js';
import Up from '../../commands/up.js';
import { jobOverrides, parseTrigger, type JobFlagValues } from './job-flags.js';
import type { JobSettings } from './stack-config.js';

describe('parseTrigger', () => {
  it('reads one trigger: 0, an interval or realtime', () => {
    expect(parseTrigger('0')).toEqual({ value: 0 });
    expect(parseTrigger('5s')).toEqual({ value: 5000 });
    expect(parseTrigger('realtime')).toEqual({ value: 'realtime' });
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

describe('every documented value of every job flag, as up, run, compose and sweep parse it', () => {
  const commands: Record<string, Interfaces.FlagInput> = {
    up: Up.flags,
    run: Run.flags,
    compose: Compose.flags,
  };
  const documented: [string[], Partial<JobSettings>][] = [
    [['--trigger', '0'], { sparkRealtime: false, sparkTriggerMs: 0 }],
    [['--trigger', '5s'], { sparkRealtime: false, sparkTriggerMs: 5000 }],
    [['--trigger', 'realtime'], { sparkRealtime: true }],
    [['--buffer-timeout', '0'], { flinkBufferTimeoutMs: 0 }],
    [['--buffer-timeout', '10ms'], { flinkBufferTimeoutMs: 10 }],
    [['--buffer-timeout', '100ms'], { flinkBufferTimeoutMs: 100 }],
    [['--flink-batch-size', '1000'], { flinkBatchSize: 1000 }],
    [['--flink-batch-interval', '0'], { flinkBatchIntervalMs: 0 }],
    [['--flink-batch-interval', '200ms'], { flinkBatchIntervalMs: 200 }],
    [['--baseline-batch-size', '1000'], { baselineBatchSize: 1000 }],
    [['--gold'], { gold: true }],
    [['--no-gold'], { gold: false }],
    [['--delivery', 'at-least-once'], { delivery: 'at-least-once' }],
    [['--delivery', 'exactly-once'], { delivery: 'exactly-once' }],
    [['--checkpoint-interval', '10s'], { flinkCheckpointIntervalMs: 10_000 }],
    [['--state-backend', 'hashmap'], { stateBackend: 'hashmap' }],
    [['--state-backend', 'rocksdb'], { stateBackend: 'rocksdb' }],
  ];
  for (const [name, flags] of Object.entries(commands)) {
    for (const [argv, expected] of documented) {
      it(`${name} ${argv.join(' ')}`, async () => {
        const parsed = await Parser.parse(argv, { flags, strict: true });
        expect(jobOverrides(parsed.flags as JobFlagValues)).toEqual(expected);
      });
    }
  }

  it('sweep takes lists of the same values, realtime included', async () => {
    const parsed = await Parser.parse(
      ['--trigger', '0,5s,realtime', '--buffer-timeout', '0,10ms,100ms', '--flink-batch-interval', '0,200ms'],
      { flags: Sweep.flags, strict: true },
    );
    expect(parsed.flags).toMatchObject({
      trigger: [0, 5000, 'realtime'],
      'buffer-timeout': [0, 10, 100],
      'flink-batch-interval': [0, 200],
    });
  });
});
