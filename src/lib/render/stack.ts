import type { DownResult, ServiceStatus, StackStatus } from '../runtime/types.js';
import { baselineLabel, flinkLabel, sparkLabel } from './settings.js';
import { renderAirflowLine } from './airflow.js';
import { formatBytes, renderTable } from './table.js';

/** The `status` table plus endpoints. */
export function renderStatus(status: StackStatus): string {
  if (!status.started)
    return `Nothing is running in ${status.stateDir}. Start the stack with \`crypto-bench up\`.`;
  const ports = (s: ServiceStatus) => [s.port, s.uiPort].filter(Boolean).join(', ') || '-';
  // Columns follow what the runtime reports: pids and log files (processes), containers and CPU limits.
  type Column = [name: string, pick: (s: ServiceStatus) => string | number | undefined, always?: boolean];
  const all: Column[] = [
    ['service', (s) => s.role ?? s.name, true],
    ['pid', (s) => s.pid],
    ['container', (s) => s.container],
    ['port', ports, true],
    ['health', (s) => s.health, true],
    ['version', (s) => s.version, true],
    ['memory', (s) => formatBytes(s.rssBytes), true],
    ['cpus', (s) => s.cpuLimit],
    ['restarts', (s) => s.restarts],
    ['last exit', (s) => s.lastExitReason],
    ['log', (s) => s.logFile],
  ];
  const rows = status.services;
  const columns = all.filter(([, pick, always]) => always || rows.some((s) => pick(s) !== undefined));
  const table = renderTable(
    columns.map(([name]) => name),
    rows.map((s) => columns.map(([, pick]) => pick(s) ?? '-')),
  );
  const runtime = status.runtimeNote ? `Runtime     ${status.runtimeNote}` : '';
  const settings = status.jobs
    ? `Settings    spark ${sparkLabel(status.jobs)}; flink ${flinkLabel(status.jobs)}; baseline ${baselineLabel(status.jobs)}`
    : '';
  const supervision =
    status.supervised === undefined
      ? ''
      : `Supervision ${status.supervised ? 'on: a service that exits unexpectedly is restarted (backoff, at most 5 times in 5 minutes)' : 'off: nothing restarts a service that exits (`crypto-bench up --supervise` turns it on)'}`;
  return [
    table,
    runtime,
    supervision,
    renderEndpoints(status),
    settings,
    status.airflow ? renderAirflowLine(status.airflow) : undefined,
    `Total memory: ${formatBytes(status.totalRssBytes)}`,
  ]
    .filter(Boolean)
    .join('\n');
}

/** Endpoint lines. */
export function renderEndpoints(status: StackStatus): string {
  const e = status.endpoints;
  if (!e) return '';
  return [
    `Kafka       ${e.kafka}`,
    `PostgreSQL  ${e.postgres}  (password in ${status.stateDir}/postgres.password)`,
    e.sparkUi ? `Spark UI    ${e.sparkUi}` : undefined,
    e.flinkUi ? `Flink UI    ${e.flinkUi}` : undefined,
  ]
    .filter(Boolean)
    .join('\n');
}

/** One paragraph saying what `down` did. */
export function renderDown(result: DownResult): string {
  const lines: string[] = [];
  if (result.nothingRunning) lines.push(`Nothing was running in ${result.stateDir}.`);
  if (result.airflowStopped?.length) lines.push(`Stopped Airflow's ${result.airflowStopped.join(', ')}.`);
  if (result.stopped.length > 0) lines.push(`Stopped ${result.stopped.join(', ')}.`);
  if (result.removedContainers?.length)
    lines.push(`Removed containers ${result.removedContainers.join(', ')}.`);
  if (result.alreadyDead.length > 0) lines.push(`Already stopped: ${result.alreadyDead.join(', ')}.`);
  lines.push(
    result.deleted.length > 0
      ? `Deleted the data in ${result.stateDir}.`
      : `Data kept in ${result.stateDir} (--volumes deletes it).`,
  );
  return lines.join('\n');
}
