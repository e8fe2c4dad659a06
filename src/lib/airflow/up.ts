import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfrastructureError, JobFailureError } from '../errors.js';
import { taskList, type ProgressOptions } from '../render/progress.js';
import { isPortFree } from '../runtime/ports.js';
import { startDetached, tailFile } from '../runtime/processes.js';
import { ensureAirflow, runLogged, type AirflowInstall } from './install.js';
import {
  AIRFLOW_DAGS,
  AIRFLOW_DATABASE,
  AIRFLOW_PORT_OFFSET,
  AIRFLOW_PROCESSES,
  AIRFLOW_VERSION,
  airflowPaths,
  airflowPorts,
  type AirflowDagName,
} from './settings.js';
import {
  AIRFLOW_STATE_VERSION,
  clearAirflowState,
  isRunning,
  readAirflowState,
  startTicks,
  stopAirflowProcesses,
  writeAirflowState,
  type AirflowState,
} from './state.js';
import { airflowStatus, type AirflowStatus } from './status.js';
import { airflowClient, environment, linkDags, prepareDatabase, requireStack } from './setup.js';

export { airflowClient } from './setup.js';

/** What `airflow up` is asked. */
export interface AirflowUpOptions {
  /** The stack's state directory (Airflow lives in its `airflow/` folder). */
  stateDir: string;
  /** API server port; default the stack's port base + {@link AIRFLOW_PORT_OFFSET}. */
  apiPort?: number;
  /** DAGs to unpause once loaded (all start paused, so no DAG runs during a measured window unless asked). */
  unpause: AirflowDagName[];
  /** A folder of the user's own DAGs, loaded next to crypto-bench's. */
  extraDagsFolder?: string;
  /** Where the nightly DAG's runs are saved. */
  resultsDir: string;
  /** How long to wait for Airflow to be healthy and its DAGs loaded once started (the install is not counted), ms. */
  timeoutMs: number;
}

/** What `airflow up` did. */
export interface AirflowUpResult extends AirflowStatus {
  /** True when Airflow already ran and nothing was started. */
  alreadyRunning: boolean;
  /** Wall time of the PyPI install when this call installed Airflow, ms (undefined: cached). */
  installMs?: number;
  /** Wall time from the start of `airflow up` to healthy with its DAGs loaded, ms. */
  upMs: number;
}

interface Context {
  install?: AirflowInstall;
  env?: Record<string, string>;
  state?: AirflowState;
}

/**
 * Starts Airflow for a running stack: installs it on first use (a cached virtual environment), creates its
 * metadata database in the stack's PostgreSQL and the `gold_*_airflow` tables, then starts the DAG processor,
 * the scheduler (LocalExecutor) and the API server on 127.0.0.1, and waits until crypto-bench's DAGs are
 * loaded without import errors. On any failure it stops what it started and reports the cause.
 */
export async function upAirflow(
  options: AirflowUpOptions,
  progress: ProgressOptions,
): Promise<AirflowUpResult> {
  const begin = Date.now();
  const stack = requireStack(options.stateDir);
  const existing = readAirflowState(options.stateDir);
  if (existing) {
    const records = Object.values(existing.processes);
    if (records.length > 0 && records.every(isRunning)) {
      return { ...(await airflowStatus(options.stateDir)), alreadyRunning: true, upMs: 0 };
    }
    await stopAirflowProcesses(existing);
    clearAirflowState(options.stateDir);
  }
  const ports = airflowPorts(options.apiPort ?? stack.ports.kafka + AIRFLOW_PORT_OFFSET);
  const paths = airflowPaths(options.stateDir);
  const ctx: Context = {};
  const tasks = taskList<Context>(
    [
      {
        title: 'Check Airflow ports',
        task: async () => {
          for (const [what, port] of Object.entries({
            'API server': ports.api,
            'log server': ports.workerLogs,
            'triggerer log server': ports.triggerLogs,
          })) {
            if (!(await isPortFree(port, stack.config.host))) {
              throw new InfrastructureError(
                `Port ${port} (Airflow ${what}) on ${stack.config.host} is already in use`,
                {
                  suggestions: [
                    `Stop whatever listens on ${port} (\`ss -ltnp 'sport = :${port}'\` shows it)`,
                    'or give Airflow other ports with --api-port (the log servers take the next two)',
                  ],
                },
              );
            }
          }
        },
      },
      {
        title: `Install Airflow ${AIRFLOW_VERSION} (first time: from PyPI into a cached virtual environment)`,
        task: async (c, task) => {
          c.install = await ensureAirflow((line) => (task.output = line));
          task.title =
            c.install.installMs === undefined
              ? `Airflow ${AIRFLOW_VERSION} (cached in ${c.install.venv})`
              : `Airflow ${AIRFLOW_VERSION} installed in ${(c.install.installMs / 1000).toFixed(0)} s into ${c.install.venv}`;
        },
      },
      {
        title: `Create the ${AIRFLOW_DATABASE} database and the gold_*_airflow tables`,
        task: async (c) => {
          await prepareDatabase(stack);
          c.env = environment(stack, options, ports);
          linkDags(paths.dags, options.extraDagsFolder);
        },
      },
      {
        title: 'Migrate Airflow metadata database',
        task: async (c) => {
          const log = path.join(paths.logs, 'db-migrate.log');
          await runLogged(c.install!.airflow, ['db', 'migrate'], log, () => {}, 'airflow db migrate', {
            env: c.env,
            cwd: paths.home,
          });
        },
      },
      {
        title: 'Start the DAG processor, scheduler and API server',
        task: async (c) => {
          c.state = {
            schemaVersion: AIRFLOW_STATE_VERSION,
            startedAt: new Date(begin).toISOString(),
            version: AIRFLOW_VERSION,
            venv: c.install!.venv,
            ports,
            host: stack.config.host,
            processes: {},
          };
          for (const name of AIRFLOW_PROCESSES) {
            const logFile = path.join(paths.logs, `${name}.log`);
            const pid = await startDetached({
              command: c.install!.airflow,
              args: [name],
              logFile,
              env: c.env,
              cwd: paths.home,
            });
            c.state.processes[name] = {
              name,
              pid,
              startTicks: startTicks(pid) ?? 0,
              logFile,
              startedAt: new Date().toISOString(),
            };
            writeAirflowState(options.stateDir, c.state);
          }
        },
      },
      {
        title: `Wait until the API server answers on ${stack.config.host}:${ports.api} and the DAGs are loaded`,
        task: async (c, task) => {
          await waitUntilLoaded(
            options.stateDir,
            c.state!,
            Date.now() + options.timeoutMs,
            (line) => (task.output = line),
          );
          const client = await airflowClient(options.stateDir);
          for (const name of options.unpause) await client.setPaused(AIRFLOW_DAGS[name], false);
        },
      },
    ],
    progress,
  );
  try {
    await tasks.run(ctx);
  } catch (error) {
    if (ctx.state) await stopAirflowProcesses(ctx.state);
    clearAirflowState(options.stateDir);
    throw error;
  }
  return {
    ...(await airflowStatus(options.stateDir)),
    alreadyRunning: false,
    installMs: ctx.install?.installMs,
    upMs: Date.now() - begin,
  };
}

/**
 * Waits until the API server is healthy and every shipped DAG is loaded; fails at once with Airflow's import
 * errors when a DAG file does not load, and with a process's last log lines when one dies.
 */
async function waitUntilLoaded(
  stateDir: string,
  state: AirflowState,
  deadlineMs: number,
  onOutput: (line: string) => void,
) {
  const wanted = Object.values(AIRFLOW_DAGS) as string[];
  const client = await airflowClient(stateDir);
  for (;;) {
    for (const record of Object.values(state.processes)) {
      if (!isRunning(record)) {
        throw new InfrastructureError(
          `Airflow's ${record.name} exited during start-up. Last lines of ${record.logFile}:\n${tailFile(record.logFile)}`,
        );
      }
    }
    if (await client.healthy()) {
      const errors = await client.importErrors();
      if (errors.length > 0) {
        throw new JobFailureError(
          `Airflow could not import ${errors.length} DAG file(s):\n${errors
            .map((e) => `${e.filename}:\n${e.stack_trace.trim().split('\n').slice(-8).join('\n')}`)
            .join('\n\n')}`,
          {
            suggestions: [
              'Fix the DAG file, then run `crypto-bench airflow down` and `crypto-bench airflow up`',
            ],
          },
        );
      }
      const loaded = (await client.dags()).map((dag) => dag.dag_id);
      if (wanted.every((id) => loaded.includes(id))) return;
      onOutput(`DAGs loaded: ${loaded.join(', ') || 'none yet'}`);
    } else {
      onOutput('waiting for the API server');
    }
    if (Date.now() > deadlineMs) {
      const log = state.processes['dag-processor']?.logFile ?? '';
      throw new InfrastructureError(
        `Airflow did not load its DAGs in time. Last lines of ${log}:\n${tailFile(log)}`,
        {
          suggestions: ['Give it longer with --timeout'],
        },
      );
    }
    await sleep(1000);
  }
}
