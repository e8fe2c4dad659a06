import type pg from 'pg';
import type { Engine } from '../config/defaults.js';
import { engineTables } from '../engines/schema.js';
import { note, type ProgressOptions } from '../render/progress.js';
import { stackStatus } from '../runtime/stack.js';
import type { RunOptions } from './options.js';

/**
 * Waits until every engine has committed everything sent, or the drain timeout passes; returns the engines that
 * had not.
 */
export async function drain(
  client: pg.Client,
  engines: Engine[],
  runId: string,
  sent: number,
  options: RunOptions,
  progress: ProgressOptions,
): Promise<Engine[]> {
  const deadline = Date.now() + options.drainTimeoutMs;
  const pending = new Set(engines);
  while (pending.size > 0 && Date.now() < deadline && !options.signal.aborted) {
    for (const engine of [...pending]) {
      const result = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${engineTables(engine).raw} WHERE run_id = $1`,
        [runId],
      );
      if (Number(result.rows[0]?.n) >= sent) pending.delete(engine);
    }
    if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  if (pending.size > 0)
    note(
      `Not drained after ${options.drainTimeoutMs / 1000}s: ${[...pending].join(', ')} (counted as missing)`,
      progress,
    );
  return [...pending];
}

/** Per engine, the parts of its job (process, container) that are dead now; engines whose parts all run are absent. */
export async function deadJobParts(
  stateDir: string,
  engines: Engine[],
): Promise<Partial<Record<Engine, string[]>>> {
  const status = await stackStatus(stateDir).catch(() => undefined);
  const dead: Partial<Record<Engine, string[]>> = {};
  for (const engine of engines) {
    const parts = (status?.services ?? [])
      .filter((s) => s.name === engine && s.health === 'dead')
      .map((s) => s.container ?? s.role ?? s.name);
    if (parts.length > 0) dead[engine] = parts;
  }
  return dead;
}
