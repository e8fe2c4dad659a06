import { randomInt } from 'node:crypto';
import { UsageError } from '../errors.js';

/** Shape of a generated run id: UTC date and time, then 4 random characters. */
export const RUN_ID_PATTERN = /^\d{8}-\d{6}-[0-9a-z]{4}$/;
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * A new run id, `YYYYMMDD-HHMMSS-xxxx` in UTC: ids sort by start time as plain strings, and the 4 random
 * characters (36⁴ ≈ 1.7 million) keep two runs started in the same second apart.
 */
export function newRunId(now: Date = new Date(), randomIndex: (size: number) => number = randomInt): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const date = `${pad(now.getUTCFullYear(), 4)}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}`;
  const time = `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  let suffix = '';
  for (let i = 0; i < 4; i++) suffix += ALPHABET[randomIndex(ALPHABET.length)];
  return `${date}-${time}-${suffix}`;
}

/**
 * Rejects a run id that cannot be a directory name of its own (a path, `..`, a hidden name), so that
 * `compare ../x` never reads outside the results directory. Ids need not be generated ones.
 */
export function assertRunIdIsSafe(runId: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(runId)) {
    throw new UsageError(`'${runId}' is not a run id`, {
      suggestions: ['Run ids look like 20250101-120000-ab12; `crypto-bench compare` without ids uses the latest'],
    });
  }
}
