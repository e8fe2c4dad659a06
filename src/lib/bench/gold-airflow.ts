import type { Engine } from '../config/defaults.js';
import { AIRFLOW_DAGS } from '../airflow/settings.js';
import { readAirflowState } from '../airflow/state.js';
import { sampleAirflowCost } from '../airflow/status.js';
import { triggerDag } from '../airflow/trigger.js';
import { airflowClient } from '../airflow/up.js';
import { describe, InfrastructureError, UsageError } from '../errors.js';
import type { AirflowGoldRun } from '../results/record.js';

/** Longest wait for Airflow's scheduler to finish the gold DAG run of a benchmark run. */
export const AIRFLOW_GOLD_TIMEOUT_MS = 15 * 60_000;

/** Airflow's part of a gold check: what it was asked to build, or why it could not. */
export interface AirflowGoldCheck {
  /**
   * The DAG run triggered for the run's windows: every window of the run is judged, fresh from the trigger.
   * Undefined: judge the rows Airflow has (its own schedule's), the windows up to the latest one it wrote.
   */
  run?: AirflowGoldRun;
  /** Why Airflow's gold was not built (trigger or DAG run failed): reported as Airflow's problem, nothing judged. */
  failure?: string;
}

/**
 * `run --gold-airflow` needs Airflow running beside the stack with the gold DAG loaded: checked before anything
 * starts, so a run is never made only to find Airflow missing afterwards.
 */
export async function checkAirflowForGold(stateDir: string): Promise<void> {
  if (!readAirflowState(stateDir)) {
    throw new UsageError(`--gold-airflow needs Airflow running beside the stack in ${stateDir}`, {
      suggestions: [
        'Start it with `crypto-bench airflow up` (same --state-dir), or leave out --gold-airflow',
      ],
    });
  }
  const client = await airflowClient(stateDir);
  if (!(await client.healthy())) {
    throw new InfrastructureError(
      `--gold-airflow: Airflow's API server at ${client.baseUrl} does not answer`,
      {
        suggestions: ['Check `crypto-bench airflow status`; restart it with `crypto-bench airflow up`'],
      },
    );
  }
  const dags = await client.dags(AIRFLOW_DAGS.gold);
  if (!dags.some((dag) => dag.dag_id === AIRFLOW_DAGS.gold)) {
    throw new InfrastructureError(`--gold-airflow: Airflow has not loaded the DAG ${AIRFLOW_DAGS.gold}`, {
      suggestions: ['Check `crypto-bench airflow status` for import errors'],
    });
  }
}

/**
 * Whose raw table Airflow's DAG reads for a run: the baseline's when it ran (the floor commits every event
 * within milliseconds, as the DAG's own default), otherwise the run's first engine's.
 */
export function airflowSourceEngine(engines: readonly Engine[]): Engine | undefined {
  return engines.includes('baseline') ? 'baseline' : engines[0];
}

/**
 * Builds Airflow's gold of one benchmark run: triggers `crypto_bench_gold` for the run id through Airflow's REST
 * API and waits until its scheduler finished it. Never throws: a failure is returned as Airflow's problem, so it
 * cannot change the engines' measurement.
 */
export async function buildAirflowGold(
  stateDir: string,
  runId: string,
  sourceEngine: Engine,
  timeoutMs = AIRFLOW_GOLD_TIMEOUT_MS,
): Promise<AirflowGoldCheck> {
  try {
    const before = sampleAirflowCost(stateDir);
    const result = await triggerDag({
      stateDir,
      dagId: AIRFLOW_DAGS.gold,
      conf: { run_id: runId, source_engine: sourceEngine },
      wait: true,
      timeoutMs,
    });
    return {
      run: {
        dagRunId: result.dagRunId,
        sourceEngine,
        triggeredAtUs: result.triggeredAtMs * 1000,
        durationMs: result.durationMs ?? null,
        ...runCost(before, sampleAirflowCost(stateDir)),
      },
    };
  } catch (error) {
    return { failure: `Airflow did not build the run's gold: ${describe(error)}` };
  }
}

/** Airflow's cost between two samples: CPU seconds spent, memory at the end; null where a sample is missing. */
export function runCost(
  before: { cpuSeconds: number; rssBytes: number } | undefined,
  after: { cpuSeconds: number; rssBytes: number } | undefined,
): { cpuSeconds: number | null; rssBytes: number | null } {
  return {
    cpuSeconds: before && after ? Math.max(0, after.cpuSeconds - before.cpuSeconds) : null,
    rssBytes: after ? after.rssBytes : null,
  };
}
