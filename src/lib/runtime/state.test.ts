import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../../../test/support/scratch.js';
import { resolveStackConfig } from '../config/stack-config.js';
import {
  clearState,
  readState,
  STATE_SCHEMA_VERSION,
  statePaths,
  writeState,
  type StackState,
} from './state.js';

function freshDir(): string {
  return scratchDir('cb-state');
}

describe('stack state', () => {
  it('reads back what it wrote', () => {
    const dir = freshDir();
    const config = resolveStackConfig({ 'state-dir': dir });
    const state: StackState = {
      schemaVersion: STATE_SCHEMA_VERSION,
      runtime: 'local',
      startedAt: '2026-01-01T00:00:00.000Z',
      ports: config.ports,
      config,
      services: { kafka: { name: 'kafka', pid: 42, port: 19092, logFile: '/x.log', startedAt: 'now' } },
    };
    writeState(dir, state);
    expect(readState(dir)).toEqual(state);
    clearState(dir);
    expect(readState(dir)).toBeUndefined();
  });

  it('says nothing is running when there is no state file', () => {
    expect(readState(freshDir())).toBeUndefined();
  });

  it('names the corrupt state file and how to recover', () => {
    const dir = freshDir();
    writeFileSync(statePaths(dir).stateFile, '{"services": ');
    expect(() => readState(dir)).toThrow(/state file .* is not valid JSON/);
  });

  it('refuses a state file of another layout version', () => {
    const dir = freshDir();
    writeFileSync(statePaths(dir).stateFile, JSON.stringify({ schemaVersion: 99, services: {} }));
    expect(() => readState(dir)).toThrow(/version 99/);
  });
});
