import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveStackConfig, type StackConfig } from '../../src/lib/config/stack-config.js';

/** Where one e2e test file keeps its own stack: a fresh state dir and a port base of its own. */
export interface E2eStack {
  stateDir: string;
  resultsDir: string;
  /** `--state-dir … --port-base …` for every CLI call. */
  stackArgs: string[];
  config: StackConfig;
}

/**
 * A fresh stack location for a test file; each file passes its own port base so files never collide. Keep port
 * bases below Linux's ephemeral range (32768-60999): a port in it can be taken at any moment by the local end of
 * some outgoing connection, and `up` then rightly refuses to start.
 */
export function e2eStack(name: string, filePortBase: number): E2eStack {
  const portBase = filePortBase + e2ePortOffset();
  const stateDir = mkdtempSync(path.join(tmpdir(), `cb-e2e-${name}-`));
  // PostgreSQL runs as the postgres user when the tests run as root: it must be able to enter the state dir.
  chmodSync(stateDir, 0o755);
  return {
    stateDir,
    resultsDir: path.join(stateDir, 'results'),
    stackArgs: ['--state-dir', stateDir, '--port-base', String(portBase)],
    config: resolveStackConfig({ 'state-dir': stateDir, 'port-base': portBase }),
  };
}

/**
 * CB_E2E_PORT_OFFSET shifts every test file's port base, so that two checkouts can run their e2e tests on one
 * machine at once (each with its own offset, a multiple of 10: a stack takes at most 7 consecutive ports). Unset: 0.
 */
export function e2ePortOffset(): number {
  const raw = process.env.CB_E2E_PORT_OFFSET;
  if (raw === undefined || raw === '') return 0;
  const offset = Number(raw);
  if (!Number.isInteger(offset) || offset < 0 || offset > 400) {
    throw new Error(`CB_E2E_PORT_OFFSET must be an integer from 0 to 400, got "${raw}"`);
  }
  return offset;
}
