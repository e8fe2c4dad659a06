import { ENGINES, type Engine } from '../config/defaults.js';
import { ConfigError } from '../errors.js';
import { emptyLatencySummary, type LatencySummary } from '../metrics/summary.js';
import {
  emptyEngineResult,
  RESULT_SCHEMA_VERSION,
  RUN_STATUSES,
  type EngineResult,
  type RunRecord,
  type RunSource,
} from './record.js';

/**
 * Version 0: the pre-release shape of `run.json`, before `schemaVersion` existed. No status (every saved run
 * counted as complete), times in seconds, latencies in milliseconds with only four figures, negative
 * latencies dropped rather than counted, no stages, histograms, freshness, completeness or cost.
 */
export interface RunRecordV0 {
  id: string;
  started: string;
  ended?: string;
  config: { source: string; rate?: number; durationSec: number; warmupSec?: number; engines: string[] };
  env?: { node?: string; os?: string; cpus?: number };
  results: Record<string, { latencyMs?: { p50?: number; p99?: number; mean?: number; max?: number }; rows?: number }>;
}

/** A JSON document of some schema version, as read from disk. */
type Doc = Record<string, unknown>;

/**
 * The upgrade chain: `UPGRADES[n]` turns a version-n document into version n + 1. Add one function per bump
 * of {@link RESULT_SCHEMA_VERSION}; never edit an old one, so that every old file keeps loading.
 */
const UPGRADES: Record<number, (doc: Doc) => Doc> = {
  0: (doc) => upgradeV0(doc as unknown as RunRecordV0) as unknown as Doc,
};

/** A record read from disk, brought to the current version. */
export interface UpgradedRecord {
  /** The record in the current layout. */
  record: RunRecord;
  /** Version the file was written in, when older than the current one; null when current. */
  upgradedFromVersion: number | null;
}

/**
 * Brings a parsed `run.json` of any known version to {@link RESULT_SCHEMA_VERSION}: a missing `schemaVersion`
 * is version 0; each step of {@link UPGRADES} runs in turn. A newer version, or a shape that does not hold
 * together, is a ConfigError naming `file`.
 */
export function upgradeRunRecord(parsed: unknown, file: string): UpgradedRecord {
  if (!isObject(parsed)) throw corrupt(file, 'it is not a JSON object');
  const version = parsed['schemaVersion'] ?? 0;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw corrupt(file, `its schemaVersion ${JSON.stringify(version)} is not a version number`);
  }
  if (version > RESULT_SCHEMA_VERSION) {
    throw new ConfigError(
      `${file} was written by a newer crypto-bench (result schema ${version}; this one reads up to ${RESULT_SCHEMA_VERSION})`,
      { suggestions: ['Upgrade crypto-bench to read it: npm install -g crypto-bench@latest'] },
    );
  }
  let doc: Doc = parsed;
  for (let v = version; v < RESULT_SCHEMA_VERSION; v++) {
    const step = UPGRADES[v];
    if (!step) throw corrupt(file, `no upgrade from result schema ${v} exists`);
    try {
      doc = step(doc);
    } catch (error) {
      throw corrupt(file, `it does not have the shape of result schema ${v} (${(error as Error).message})`);
    }
  }
  checkShape(doc, file);
  return { record: doc as unknown as RunRecord, upgradedFromVersion: version === RESULT_SCHEMA_VERSION ? null : version };
}

/** Version 0 → 1: renames, seconds → ms, ms → µs; what version 0 never measured becomes null. */
function upgradeV0(v0: RunRecordV0): RunRecord {
  if (typeof v0.id !== 'string' || !isObject(v0.config) || !isObject(v0.results)) {
    throw new TypeError('id, config and results are required');
  }
  const engines = v0.config.engines.filter((e): e is Engine => (ENGINES as readonly string[]).includes(e));
  const durationMs = v0.config.durationSec * 1000;
  return {
    schemaVersion: 1,
    runId: v0.id,
    toolVersion: null,
    startedAt: v0.started,
    endedAt: v0.ended ?? null,
    status: 'complete',
    statusReasons: [],
    config: {
      source: v0.config.source as RunSource,
      sourceFile: null,
      pairs: [],
      rateEventsPerSec: v0.config.rate ?? null,
      durationMs,
      warmupMs: (v0.config.warmupSec ?? 0) * 1000,
      engines,
      isolate: false,
      runtime: 'local',
      scheduleLagP99BoundUs: null,
      jobs: null,
      repeat: null,
    },
    environment: {
      softwareVersions: {},
      cpuCount: v0.env?.cpus ?? 0,
      cpuModel: null,
      totalMemoryBytes: null,
      os: v0.env?.os ?? 'unknown',
      nodeVersion: v0.env?.node ?? 'unknown',
      javaVersion: null,
      gitCommit: null,
      clockAssumption: 'one host (assumed: not recorded before result schema 1)',
    },
    window: null,
    producer: null,
    engines: Object.fromEntries(engines.map((engine) => [engine, upgradeEngineV0(v0.results[engine])])),
    timeseries: [],
  };
}

function upgradeEngineV0(result: RunRecordV0['results'][string] | undefined): EngineResult {
  const upgraded = emptyEngineResult();
  if (!result?.latencyMs) return upgraded;
  const us = (ms: number | undefined) => (ms === undefined ? null : ms * 1000);
  const latency: LatencySummary = {
    ...emptyLatencySummary(),
    count: result.rows ?? 0,
    negativeCount: null,
    p50Us: us(result.latencyMs.p50),
    p99Us: us(result.latencyMs.p99),
    maxUs: us(result.latencyMs.max),
    meanUs: us(result.latencyMs.mean),
  };
  return { ...upgraded, latency };
}

/** The fields every reader relies on; enough to tell a result file from a damaged or foreign one. */
function checkShape(doc: Doc, file: string): void {
  const problems: string[] = [];
  if (typeof doc['runId'] !== 'string') problems.push('runId is not a string');
  if (typeof doc['startedAt'] !== 'string') problems.push('startedAt is not a string');
  if (!(RUN_STATUSES as readonly unknown[]).includes(doc['status'])) problems.push(`status is not one of ${RUN_STATUSES.join(', ')}`);
  if (!Array.isArray(doc['statusReasons'])) problems.push('statusReasons is not a list');
  const config = doc['config'];
  if (!isObject(config) || !Array.isArray(config['engines'])) problems.push('config.engines is not a list');
  if (!isObject(doc['environment'])) problems.push('environment is missing');
  const engines = doc['engines'];
  if (!isObject(engines)) problems.push('engines is not an object');
  else {
    for (const [name, result] of Object.entries(engines)) {
      if (!(ENGINES as readonly string[]).includes(name)) problems.push(`engines has an unknown engine '${name}'`);
      else if (!isObject(result) || !isObject(result['stages'])) problems.push(`engines.${name} has no stages`);
    }
  }
  if (!Array.isArray(doc['timeseries'])) problems.push('timeseries is not a list');
  if (problems.length > 0) throw corrupt(file, problems.join('; '));
}

function corrupt(file: string, why: string): ConfigError {
  return new ConfigError(`${file} is not a readable crypto-bench result: ${why}`, {
    suggestions: [`Restore ${file} from a backup or delete its run directory; other runs are not affected`],
  });
}

function isObject(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
