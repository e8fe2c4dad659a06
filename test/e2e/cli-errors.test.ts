import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveStackConfig } from '../../src/lib/config/stack-config.js';
import { STATE_SCHEMA_VERSION, statePaths } from '../../src/lib/runtime/state.js';
import { json, runCli } from '../support/cli.js';
import { e2eStack } from '../support/stack.js';

const NO_STACK_TRACE = /\n\s+at /;

describe('bad input and broken environments get a clear message, an exit code and no stack trace', () => {
  it('rejects an unknown flag', async () => {
    const result = await runCli(['up', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Nonexistent flag: --bogus');
    expect(result.stderr).not.toMatch(NO_STACK_TRACE);
  });

  it('names the flag and the fix for a bad value, also under --json', async () => {
    const plain = await runCli(['run', '--duration', '5parsecs']);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('--duration: "5parsecs" is not a duration');
    const asJson = await runCli(['run', '--engines', 'spark,storm', '--json']);
    expect(asJson.code).toBe(2);
    expect(json<{ error: { message: string } }>(asJson).error.message).toContain('unknown engine "storm"');
  });

  it('refuses --isolate with a live source, saying how to get a repeatable workload', async () => {
    const result = await runCli(['run', '--source', 'coinbase-ws', '--isolate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('crypto-bench record');
  });

  it('says which JDK is missing and how to get one', async () => {
    const { stackArgs } = e2eStack('nojdk', 61092);
    const result = await runCli(['up', ...stackArgs], { env: { JAVA_HOME: '/nonexistent-jdk' } });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('JAVA_HOME is /nonexistent-jdk');
    expect(result.stderr).toMatch(/Install a JDK 17\+/);
  });

  it('copes with a stale state directory whose processes are long gone', async () => {
    const { stateDir } = e2eStack('stale', 62092);
    const config = resolveStackConfig({ 'state-dir': stateDir, 'port-base': 62092 });
    const dead = {
      pid: 2 ** 22 + 11,
      logFile: path.join(stateDir, 'logs', 'x.log'),
      startedAt: '2026-01-01T00:00:00Z',
    };
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(
      statePaths(stateDir).stateFile,
      JSON.stringify({
        schemaVersion: STATE_SCHEMA_VERSION,
        runtime: 'local',
        startedAt: '2026-01-01T00:00:00Z',
        ports: config.ports,
        config,
        services: {
          postgres: { name: 'postgres', ...dead },
          kafka: { name: 'kafka', ...dead, pid: dead.pid + 1 },
        },
      }),
    );
    const status = json<{ services: { name: string; health: string }[] }>(
      await runCli(['status', '--state-dir', stateDir, '--json']),
    );
    expect(status.services.map((s) => [s.name, s.health])).toEqual([
      ['postgres', 'dead'],
      ['kafka', 'dead'],
    ]);
    const down = await runCli(['down', '--state-dir', stateDir]);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('Already stopped: postgres, kafka');
    const again = await runCli(['down', '--state-dir', stateDir]);
    expect(again.stdout).toContain('Nothing was running');
  });

  it('refuses to delete data without a terminal to confirm on, unless --yes', async () => {
    const { stateDir } = e2eStack('volumes', 63092);
    const result = await runCli(['down', '--state-dir', stateDir, '--volumes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Add --yes to confirm');
  });

  it('names a corrupt result file and leaves the other runs alone', async () => {
    const { resultsDir } = e2eStack('corrupt', 64092);
    mkdirSync(path.join(resultsDir, '20260101-000000-abcd'), { recursive: true });
    writeFileSync(
      path.join(resultsDir, '20260101-000000-abcd', 'run.json'),
      '{"schemaVersion": 1, "runId": ',
    );
    const result = await runCli(['compare', '20260101-000000-abcd', '--results-dir', resultsDir]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('is not valid JSON');
    expect(result.stderr).not.toMatch(NO_STACK_TRACE);
  });
  it('says how to make a run when report finds none', async () => {
    const { resultsDir } = e2eStack('no-runs', 65092);
    const result = await runCli(['report', '--results-dir', resultsDir]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`No runs in ${resultsDir}`);
    expect(result.stderr).toContain('crypto-bench run');
    expect(result.stderr).not.toMatch(NO_STACK_TRACE);
  });

  it('refuses an output path it cannot write before starting anything, naming the flag', async () => {
    const { stateDir } = e2eStack('unwritable', 61592);
    const file = path.join(stateDir, 'plain-file');
    writeFileSync(file, 'not a directory');
    const below = path.join(file, 'out');
    const attempts: [string[], string][] = [
      [['run', '--state-dir', stateDir, '--results-dir', below], '--results-dir'],
      [['sweep', '--state-dir', stateDir, '--results-dir', below, '--rate', '100'], '--results-dir'],
      [['up', '--state-dir', below], '--state-dir'],
      [['record', '--out', path.join(below, 'ticks.ndjson')], '--out'],
      [['compare', '--out', path.join(below, 'figures.csv')], '--out'],
      [['report', '--output', path.join(below, 'report.html')], '--output'],
      [['compose', '--output', path.join(below, 'docker-compose.yml')], '--output'],
    ];
    for (const [args, flag] of attempts) {
      const result = await runCli(args);
      expect(result.code, `${args.join(' ')}\n${result.stderr}`).toBe(2);
      expect(result.stderr, args[0]).toContain(`${flag} ${path.join(below)}`);
      expect(result.stderr, args[0]).toContain(`${file} is a file`);
      expect(result.stderr, args[0]).not.toMatch(NO_STACK_TRACE);
    }
    // Nothing was started: no state beside the file.
    expect(readdirSync(stateDir)).toEqual(['plain-file']);
  });
});
