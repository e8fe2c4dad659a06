import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatLatencyCsv, formatTimeseriesCsv, LATENCY_CSV_HEADER } from './csv.js';
import { startRunRecord, UNFINISHED_REASON, type RunRecord } from './record.js';
import {
  listRuns,
  loadLatestRun,
  loadRun,
  runPaths,
  writeFileAtomic,
  unfinishedRecord,
  writeRun,
} from './store.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const run = JSON.parse(fixture('run-v1.json')) as RunRecord;

let resultsDir: string;
beforeEach(() => {
  resultsDir = mkdtempSync(path.join(tmpdir(), 'crypto-bench-results-'));
});
afterEach(() => rmSync(resultsDir, { recursive: true, force: true }));

/** What the caller renders as the report; the store writes it as given. */
const HTML = '<!doctype html><title>run</title>';

function placeFile(runId: string, content: string): void {
  mkdirSync(path.join(resultsDir, runId), { recursive: true });
  writeFileSync(runPaths(resultsDir, runId).runJson, content);
}

describe('writeRun and loadRun', () => {
  it('save the four files of a run (record, two CSVs, HTML report) and read the record back unchanged', async () => {
    const paths = await writeRun(resultsDir, run, HTML);
    expect(readdirSync(paths.dir).sort()).toEqual(['latency.csv', 'report.html', 'run.json', 'timeseries.csv']);
    const loaded = loadRun(resultsDir, run.runId);
    expect(loaded.record).toEqual(run);
    expect(loaded.upgradedFromVersion).toBeNull();
    expect(readFileSync(paths.latencyCsv, 'utf8')).toBe(formatLatencyCsv(run));
    expect(readFileSync(paths.timeseriesCsv, 'utf8')).toBe(formatTimeseriesCsv(run));
    expect(readFileSync(paths.reportHtml, 'utf8')).toBe(HTML);
  });

  it('label a record written while the run goes as unfinished, so a crash leaves an honest file', async () => {
    await writeRun(resultsDir, unfinishedRecord(run), HTML);
    const saved = loadRun(resultsDir, run.runId).record;
    expect(saved.status).toBe('interrupted');
    expect(saved.statusReasons).toEqual([UNFINISHED_REASON]);
    await writeRun(resultsDir, unfinishedRecord({ ...run, status: 'invalid', statusReasons: ['producer fell behind'] }), HTML);
    expect(loadRun(resultsDir, run.runId).record).toMatchObject({
      status: 'invalid',
      statusReasons: ['producer fell behind', UNFINISHED_REASON],
    });
    await writeRun(resultsDir, run, HTML);
    expect(loadRun(resultsDir, run.runId).record.status).toBe('complete');
  });

  it('save a freshly started record that has measured nothing yet', async () => {
    const started = startRunRecord({
      runId: '20250103-000000-zzzz',
      toolVersion: '0.1.0',
      startedAt: '2025-01-03T00:00:00.000Z',
      config: run.config,
      environment: run.environment,
    });
    await writeRun(resultsDir, unfinishedRecord(started), HTML);
    const loaded = loadRun(resultsDir, started.runId).record;
    expect(loaded.status).toBe('interrupted');
    expect(Object.keys(loaded.engines)).toEqual(['spark', 'flink', 'baseline']);
    expect(readFileSync(runPaths(resultsDir, started.runId).latencyCsv, 'utf8')).toBe(`${LATENCY_CSV_HEADER.join(',')}\n`);
  });

  it('load a pre-release file and say it was upgraded', () => {
    placeFile('20240601-101500-q7x2', fixture('run-v0.json'));
    const loaded = loadRun(resultsDir, '20240601-101500-q7x2');
    expect(loaded.upgradedFromVersion).toBe(0);
    expect(loaded.record.engines.flink?.latency?.p50Us).toBe(2_230_000);
  });
});

describe('loadRun errors', () => {
  it('lists the newest known runs for an unknown id', () => {
    for (const id of ['20250101-000000-aaaa', '20250102-000000-bbbb']) placeFile(id, fixture('run-v1.json'));
    let error: unknown;
    try {
      loadRun(resultsDir, 'nope');
    } catch (e) {
      error = e;
    }
    expect(String(error)).toMatch(/No run 'nope' in /);
    expect((error as { suggestions?: string[] }).suggestions).toEqual([
      'Known runs, newest first: 20250102-000000-bbbb, 20250101-000000-aaaa',
    ]);
  });

  it('says how to start when there are no runs at all', () => {
    expect(() => loadLatestRun(path.join(resultsDir, 'missing'))).toThrow(/No runs in/);
    expect(() => loadRun(resultsDir, 'nope')).toThrow(/No run 'nope'/);
  });

  it('names the file of a corrupt run.json', () => {
    placeFile('20250101-000000-cccc', '{"schemaVersion": 1, "runId": ');
    expect(() => loadRun(resultsDir, '20250101-000000-cccc')).toThrow(/20250101-000000-cccc\/run.json is not valid JSON/);
  });

  it('refuses a file from a newer version', () => {
    placeFile('20250101-000000-dddd', JSON.stringify({ ...run, schemaVersion: 2 }));
    expect(() => loadRun(resultsDir, '20250101-000000-dddd')).toThrow(/newer crypto-bench/);
  });

  it('refuses a run id that is a path', () => {
    expect(() => loadRun(resultsDir, '../etc')).toThrow(/is not a run id/);
  });
});

describe('listRuns and loadLatestRun', () => {
  it('list runs newest first, ignoring directories without run.json', async () => {
    await writeRun(resultsDir, { ...run, runId: '20250101-120000-aaaa' }, HTML);
    await writeRun(resultsDir, { ...run, runId: '20250301-120000-bbbb' }, HTML);
    await writeRun(resultsDir, { ...run, runId: '20250201-120000-cccc' }, HTML);
    mkdirSync(path.join(resultsDir, '20250401-000000-empty'));
    writeFileSync(path.join(resultsDir, 'notes.txt'), 'x');
    expect(listRuns(resultsDir).map((r) => r.runId)).toEqual([
      '20250301-120000-bbbb',
      '20250201-120000-cccc',
      '20250101-120000-aaaa',
    ]);
    expect(loadLatestRun(resultsDir).record.runId).toBe('20250301-120000-bbbb');
  });

  it('find no runs in a results directory that does not exist', () => {
    expect(listRuns(path.join(resultsDir, 'missing'))).toEqual([]);
  });
});

describe('writeFileAtomic', () => {
  it('replaces a file whole and leaves no temporary file behind', async () => {
    const file = path.join(resultsDir, 'f.json');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, 'two');
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(readdirSync(resultsDir)).toEqual(['f.json']);
  });

  it('leaves no temporary file behind when it fails', async () => {
    await expect(writeFileAtomic(path.join(resultsDir, 'no-such-dir', 'f.json'), 'x')).rejects.toThrow();
    expect(readdirSync(resultsDir)).toEqual([]);
  });
});
