import { setTimeout as sleep } from 'node:timers/promises';
import { InfrastructureError, JobFailureError } from '../errors.js';
import type { AirflowClient, DagRun, TaskInstance } from './rest.js';
import { airflowClient } from './up.js';

/** What `airflow trigger` is asked. */
export interface TriggerOptions {
  /** The stack's state directory. */
  stateDir: string;
  /** DAG id. */
  dagId: string;
  /** The run's `conf` (e.g. the gold DAG's run_id and source_engine, the nightly DAG's settings). */
  conf: Record<string, unknown>;
  /** An explicit data interval, ISO-8601 start and end (the windows that closed in it are built). */
  dataInterval?: [string, string];
  /** Wait until the run finishes (and put the DAG's paused state back); false: return once queued. */
  wait: boolean;
  /** Longest wait, ms. */
  timeoutMs: number;
}

/** What a triggered run did. */
export interface TriggerResult {
  /** DAG id. */
  dagId: string;
  /** Airflow's id of the run. */
  dagRunId: string;
  /** queued (not waited for), success or failed. */
  state: string;
  /** Each task's final state. */
  tasks: { taskId: string; state: string | null }[];
  /** When the run was asked for (just before the trigger request), epoch ms. */
  triggeredAtMs: number;
  /** Wall time from the trigger to the end of the run, ms (when waited for). */
  durationMs?: number;
  /** True when the DAG was paused and was unpaused for this run (paused again after it, when waited for). */
  unpaused: boolean;
}

/**
 * Triggers a DAG run through Airflow's REST API and lets Airflow's scheduler run it. A paused DAG is unpaused
 * for the run (the scheduler runs nothing of a paused DAG) and, when waiting, paused again afterwards, so no
 * scheduled run follows unasked. A failed run is a JobFailureError with the failed tasks' last log lines.
 */
export async function triggerDag(options: TriggerOptions): Promise<TriggerResult> {
  const client = await airflowClient(options.stateDir);
  const dag = (await client.dags(options.dagId)).find((d) => d.dag_id === options.dagId);
  if (!dag) {
    throw new InfrastructureError(`Airflow has not loaded the DAG ${options.dagId}`, {
      suggestions: ['Check `crypto-bench airflow status` for import errors'],
    });
  }
  if (dag.is_paused) await client.setPaused(options.dagId, false);
  const begin = Date.now();
  let run: DagRun;
  try {
    run = await client.trigger(options.dagId, options.conf, options.dataInterval);
  } catch (error) {
    if (dag.is_paused) await client.setPaused(options.dagId, true).catch(() => {});
    throw error;
  }
  const result = (state: string, tasks: TaskInstance[] = []): TriggerResult => ({
    dagId: options.dagId,
    dagRunId: run.dag_run_id,
    state,
    tasks: tasks.map((t) => ({ taskId: t.task_id, state: t.state })),
    triggeredAtMs: begin,
    durationMs: options.wait ? Date.now() - begin : undefined,
    unpaused: dag.is_paused,
  });
  if (!options.wait) return result(run.state);
  try {
    run = await waitForRun(client, run, begin + options.timeoutMs);
  } finally {
    if (dag.is_paused) await client.setPaused(options.dagId, true);
  }
  const tasks = await client.taskInstances(options.dagId, run.dag_run_id);
  if (run.state !== 'success') {
    throw new JobFailureError(
      `Airflow's run ${run.dag_run_id} of ${options.dagId} ${run.state}:\n${await failedTaskLogs(client, run, tasks)}`,
      { suggestions: ['See every task in the UI (`crypto-bench airflow status` prints its address)'] },
    );
  }
  return result(run.state, tasks);
}

/** Polls a run until it ends; fails when it has not ended by the deadline. */
export async function waitForRun(client: AirflowClient, run: DagRun, deadlineMs: number): Promise<DagRun> {
  let current = run;
  while (current.state !== 'success' && current.state !== 'failed') {
    if (Date.now() > deadlineMs) {
      throw new InfrastructureError(
        `Airflow's run ${run.dag_run_id} of ${run.dag_id} is still ${current.state}`,
        {
          suggestions: ['Give it longer with --timeout, or look at the run in the UI'],
        },
      );
    }
    await sleep(1000);
    current = await client.dagRun(run.dag_id, run.dag_run_id);
  }
  return current;
}

/** The last log lines of every failed task of a run, each under its task id. */
export async function failedTaskLogs(
  client: AirflowClient,
  run: DagRun,
  tasks: TaskInstance[],
): Promise<string> {
  const failed = tasks.filter((t) => t.state === 'failed' || t.state === 'upstream_failed');
  if (failed.length === 0) return '(no task failed; the run itself did)';
  const parts: string[] = [];
  for (const task of failed) {
    if (task.state === 'upstream_failed') {
      parts.push(`task ${task.task_id}: upstream_failed`);
      continue;
    }
    const lines = await client.taskLog(
      run.dag_id,
      run.dag_run_id,
      task.task_id,
      Math.max(1, task.try_number),
    );
    parts.push(
      `task ${task.task_id} (try ${task.try_number}) failed; last log lines:\n${lines.slice(-25).join('\n')}`,
    );
  }
  return parts.join('\n\n');
}
