import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { parseFault, validateFaults, type FaultSpec, type FaultTarget } from './fault-flags.js';

const LOCAL: FaultTarget[] = ['spark', 'flink', 'baseline', 'kafka', 'postgres'];

function fault(text: string): FaultSpec {
  const parsed = parseFault(text);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

describe('parseFault', () => {
  it('reads a target, an action and a time since the run started', () => {
    expect(parseFault('flink:kill@60s')).toEqual({
      target: 'flink',
      action: 'kill',
      atMs: 60_000,
      durationMs: null,
      text: 'flink:kill@60s',
    });
    expect(parseFault('postgres:restart@90s')).toMatchObject({ atMs: 90_000 });
    expect(parseFault('postgres:restart@2m')).toMatchObject({ atMs: 120_000 });
    expect(parseFault('spark:stop@45')).toMatchObject({ atMs: 45_000 });
    expect(parseFault('flink-taskmanager:kill@500ms')).toMatchObject({
      target: 'flink-taskmanager',
      atMs: 500,
    });
  });

  it('reads the duration of a pause', () => {
    expect(parseFault('kafka:pause@30s+5s')).toMatchObject({
      action: 'pause',
      atMs: 30_000,
      durationMs: 5000,
    });
  });

  it('refuses an unknown action, naming the ones there are', () => {
    expect(parseFault('flink:crash@10s')).toBe(
      '"flink:crash@10s": unknown action "crash"; choose from kill, stop, pause, restart',
    );
  });

  it('refuses an unknown target, naming the ones there are', () => {
    expect(parseFault('zookeeper:kill@10s')).toMatch(
      /unknown target "zookeeper"; choose from spark, flink, baseline, kafka/,
    );
  });

  it('refuses a value that is not TARGET:ACTION@TIME', () => {
    expect(parseFault('flink kill 10s')).toMatch(/is not TARGET:ACTION@TIME\[\+DURATION\]/);
    expect(parseFault('flink:kill')).toMatch(/is not TARGET:ACTION@TIME/);
  });

  it('refuses a pause without a duration and a duration on anything but a pause', () => {
    expect(parseFault('flink:pause@10s')).toBe(
      '"flink:pause@10s": a pause needs a duration; write flink:pause@10s+5s',
    );
    expect(parseFault('flink:kill@10s+5s')).toBe(
      '"flink:kill@10s+5s": only pause takes a +DURATION; write flink:kill@10s',
    );
    expect(parseFault('flink:pause@10s+0')).toMatch(/a pause needs a duration above 0/);
  });

  it('refuses a time that is not a duration', () => {
    expect(parseFault('flink:kill@soon')).toMatch(/"flink:kill@soon": time "soon" is not a duration/);
  });
});

describe('validateFaults', () => {
  const context = { runDurationMs: 60_000, targets: LOCAL, runtime: 'local' };

  it('returns the faults in time order', () => {
    const faults = validateFaults([fault('kafka:kill@40s'), fault('flink:pause@10s+5s')], context);
    expect(faults.map((f) => f.text)).toEqual(['flink:pause@10s+5s', 'kafka:kill@40s']);
  });

  it('refuses a target the runtime does not have, naming the flag and the fix', () => {
    expect(() => validateFaults([fault('flink-taskmanager:kill@10s')], context)).toThrow(UsageError);
    try {
      validateFaults([fault('flink-taskmanager:kill@10s')], context);
    } catch (error) {
      expect((error as UsageError).message).toBe(
        '--fault flink-taskmanager:kill@10s: this local stack has no flink-taskmanager; it has spark, flink, baseline, kafka, postgres',
      );
      expect((error as UsageError).suggestions?.[0]).toBe(
        'Hit the whole job instead (--fault flink:kill@10s), or use --runtime docker, which runs flink-taskmanager as its own container',
      );
    }
  });

  it('refuses a time at or past the end of the run', () => {
    expect(() => validateFaults([fault('flink:kill@60s')], context)).toThrow(
      '--fault flink:kill@60s: 1m is at or after the end of the run (--duration 1m)',
    );
  });

  it('refuses a pause longer than the run, and one that would outlast it', () => {
    expect(() => validateFaults([fault('flink:pause@1s+2m')], context)).toThrow(/is longer than the run/);
    expect(() => validateFaults([fault('flink:pause@50s+15s')], context)).toThrow(
      /would last past the end of the run/,
    );
  });
});
