import type { DownResult, ServiceStatus, StackStatus } from '../runtime/types.js';
import { baselineLabel, flinkLabel, sparkLabel } from './settings.js';
import { formatBytes, renderTable } from './table.js';

/** The `status` table plus endpoints. */
export function renderStatus(status: StackStatus): string {
  if (!status.started)
    return `Nothing is running in ${status.stateDir}. Start the stack with \`crypto-bench up\`.`;
  const ports = (s: ServiceStatus) => [s.port, s.uiPort].filter(Boolean).join(', ') || '-';
  const table =
    status.runtime === 'docker'
      ? renderTable(
          ['service', 'container', 'port', 'health', 'version', 'memory', 'cpus'],
          status.services.map((s) => [
            s.role ?? s.name,
            s.container ?? '-',
            ports(s),
            s.health,
            s.version ?? '-',
            formatBytes(s.rssBytes),
            s.cpuLimit ?? '-',
          ]),
        )
      : renderTable(
          ['service', 'pid', 'port', 'health', 'version', 'memory', 'log'],
          status.services.map((s) => [
            s.name,
            s.pid ?? '-',
            ports(s),
            s.health,
            s.version ?? '-',
            formatBytes(s.rssBytes),
            s.logFile ?? '-',
          ]),
        );
  const runtime =
    status.runtime === 'docker'
      ? `Runtime     docker (${status.network} network; \`crypto-bench status --logs SERVICE\` shows a log)`
      : '';
  const settings = status.jobs
    ? `Settings    spark ${sparkLabel(status.jobs)}; flink ${flinkLabel(status.jobs)}; baseline ${baselineLabel(status.jobs)}`
    : '';
  return [
    table,
    runtime,
    renderEndpoints(status),
    settings,
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
