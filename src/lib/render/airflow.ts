import type { AirflowDownResult, AirflowStatus } from '../airflow/status.js';
import type { TriggerResult } from '../airflow/trigger.js';
import { formatBytes, renderTable } from './table.js';

/** The `airflow status` table: processes with memory and CPU, the UI, the DAGs and any import errors. */
export function renderAirflowStatus(status: AirflowStatus): string {
  if (!status.started) {
    return `Airflow is not running for ${status.stateDir}. Start it with \`crypto-bench airflow up\`.`;
  }
  const table = renderTable(
    ['airflow', 'pid', 'health', 'memory', 'cpu s', 'log'],
    status.processes.map((p) => [
      p.name,
      p.pid,
      p.health,
      formatBytes(p.rssBytes),
      p.cpuSeconds === undefined ? '-' : p.cpuSeconds.toFixed(1),
      p.logFile,
    ]),
  );
  const dags = status.dags.map((d) => `${d.dagId} (${d.paused ? 'paused' : 'scheduled'})`).join(', ');
  return [
    table,
    `Airflow UI  ${status.url}  ${status.apiHealthy ? '' : '(not answering) '}user ${status.user}, password in ${status.passwordFile}`,
    dags ? `DAGs        ${dags}` : undefined,
    ...status.importErrors.map((e) => `Import error ${e}`),
    `Airflow ${status.version}: memory ${formatBytes(status.totalRssBytes)}, CPU ${status.totalCpuSeconds.toFixed(1)} s since start`,
  ]
    .filter(Boolean)
    .join('\n');
}

/** One paragraph saying what `airflow down` did. */
export function renderAirflowDown(result: AirflowDownResult): string {
  if (result.nothingRunning) return `Airflow was not running for ${result.stateDir}.`;
  return [
    result.stopped.length > 0 ? `Stopped Airflow's ${result.stopped.join(', ')}.` : undefined,
    result.alreadyDead.length > 0 ? `Already stopped: ${result.alreadyDead.join(', ')}.` : undefined,
  ]
    .filter(Boolean)
    .join('\n');
}

/** What a triggered run did. */
export function renderTrigger(result: TriggerResult): string {
  const head = `${result.dagId} run ${result.dagRunId}: ${result.state}`;
  if (result.durationMs === undefined) {
    return `${head}${result.unpaused ? ' (the DAG was unpaused for it and stays unpaused: its schedule runs too)' : ''}`;
  }
  const tasks = result.tasks.map((t) => `${t.taskId} ${t.state ?? '-'}`).join(', ');
  return `${head} in ${(result.durationMs / 1000).toFixed(1)} s (${tasks})`;
}

/** One line for the stack's `status`: Airflow's processes, memory and UI (not in the stack's total memory). */
export function renderAirflowLine(status: AirflowStatus): string {
  const dead = status.processes.filter((p) => p.health === 'dead').map((p) => p.name);
  const health =
    dead.length > 0 ? `${dead.join(', ')} dead` : status.apiHealthy ? 'healthy' : 'API not answering';
  const dags = status.dags.map(
    (d) => `${d.dagId.replace('crypto_bench_', '')} ${d.paused ? 'paused' : 'scheduled'}`,
  );
  return `Airflow     ${status.url} (${health}; ${formatBytes(status.totalRssBytes)}${dags.length > 0 ? `; ${dags.join(', ')}` : ''}; \`crypto-bench airflow status\` for more)`;
}
