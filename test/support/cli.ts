import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What one CLI invocation printed and returned. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`bin/run.js`) as a user would, without a terminal. */
export function runCli(
  args: string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, 'bin', 'run.js'), ...args],
      {
        cwd: ROOT,
        timeout: options.timeoutMs ?? 600_000,
        // Wide enough that oclif never wraps a message in the middle of what a test looks for.
        env: { ...process.env, OCLIF_COLUMNS: '1000', ...options.env },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Parses the JSON a `--json` invocation printed on stdout. */
export function json<T>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\n${result.stdout}\n--- stderr ---\n${result.stderr}`);
  }
}

/** The run folders in `resultsDir` now (none while it does not exist yet). */
export function runFolders(resultsDir: string): Set<string> {
  return new Set(existsSync(resultsDir) ? readdirSync(resultsDir) : []);
}

/**
 * Waits (at most 2 minutes) until a run folder not in `before` appears in `resultsDir`: a run's record is on disk
 * from its start, after the stack was checked, so that run is under way.
 */
export async function untilNewRun(resultsDir: string, before: Set<string>): Promise<void> {
  const started = Date.now();
  while (![...runFolders(resultsDir)].some((name) => !before.has(name)) && Date.now() - started < 120_000) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
