import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RESULT_SCHEMA_VERSION } from './record.js';
import { upgradeRunRecord } from './upgrade.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

describe('upgradeRunRecord', () => {
  it('loads a current record unchanged', () => {
    const doc = fixture('run-v1.json');
    const { record, upgradedFromVersion } = upgradeRunRecord(doc, 'run-v1.json');
    expect(record).toEqual(doc);
    expect(upgradedFromVersion).toBeNull();
  });

  it('upgrades a pre-release record without schemaVersion, milliseconds to microseconds', () => {
    const { record, upgradedFromVersion } = upgradeRunRecord(fixture('run-v0.json'), 'run-v0.json');
    expect(upgradedFromVersion).toBe(0);
    expect(record.schemaVersion).toBe(RESULT_SCHEMA_VERSION);
    expect(record).toMatchObject({
      runId: '20240601-101500-q7x2',
      startedAt: '2024-06-01T10:15:00.000Z',
      endedAt: '2024-06-01T10:17:00.000Z',
      status: 'complete',
      config: { source: 'coinbase-ws', rateEventsPerSec: null, durationMs: 120_000, warmupMs: 20_000, jobs: null },
      environment: { cpuCount: 2, nodeVersion: 'v20.11.0', gitCommit: null },
    });
    expect(record.engines.spark?.latency).toEqual({
      count: 11873,
      negativeCount: null,
      p50Us: 8_830_000,
      p90Us: null,
      p95Us: null,
      p99Us: 15_200_500,
      p999Us: null,
      minUs: null,
      maxUs: 17_000_000,
      meanUs: 8_830_250,
      stddevUs: null,
    });
    expect(record.engines.flink?.stages).toEqual({ kafka: null, engine: null, sink: null });
    expect(record.engines.baseline).toBeUndefined();
  });

  it('refuses a record from a newer crypto-bench and says to upgrade', () => {
    expect(() => upgradeRunRecord({ schemaVersion: 99 }, 'results/x/run.json')).toThrow(
      /results\/x\/run.json was written by a newer crypto-bench \(result schema 99; this one reads up to 1\)/,
    );
  });

  it('names the file and what is wrong with a damaged record', () => {
    expect(() => upgradeRunRecord([], 'f.json')).toThrow(/f.json is not a readable crypto-bench result: it is not a JSON object/);
    expect(() => upgradeRunRecord({ schemaVersion: 'one' }, 'f.json')).toThrow(/not a version number/);
    expect(() => upgradeRunRecord({ schemaVersion: 0, id: 5 }, 'f.json')).toThrow(/shape of result schema 0/);
    const broken = { ...(fixture('run-v1.json') as object), status: 'great', engines: { storm: {} } };
    expect(() => upgradeRunRecord(broken, 'f.json')).toThrow(/status is not one of .*; engines has an unknown engine 'storm'/);
  });
});
