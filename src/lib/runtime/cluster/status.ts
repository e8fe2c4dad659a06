import { ENGINES, type Engine } from '../../config/defaults.js';
import { kafkaAccess, postgresAccess } from '../../engines/access.js';
import { connectAdmin } from '../../engines/kafka.js';
import { connect } from '../../engines/postgres.js';
import { isOurs } from '../processes.js';
import { treeRssBytes } from '../proc-stats.js';
import { readState, type StackState } from '../state.js';
import type { Health, ServiceStatus, StackStatus } from '../types.js';
import { flinkRestOf } from './jobs.js';

/**
 * `status` of a cluster stack: whether the cluster's Kafka and PostgreSQL answer, the state of the Flink job
 * crypto-bench submitted, and the Spark driver and baseline processes it runs on this host.
 */
export async function clusterStatus(stateDir: string): Promise<StackStatus> {
  const state = readState(stateDir);
  if (!state) return { stateDir, started: false, services: [], totalRssBytes: 0 };
  const { config } = state;
  const versions = state.cluster?.versions ?? {};
  const kafka = kafkaAccess(config);
  const pg = postgresAccess(config);
  const services: ServiceStatus[] = [
    {
      name: 'postgres',
      health: await answers(() => connect(config).then((c) => c.end())),
      version: versions.postgres,
    },
    { name: 'kafka', health: await answers(() => connectAdmin(config).then((a) => a.disconnect())) },
  ];
  for (const engine of ENGINES.filter((e) => config.engines.includes(e))) {
    services.push(await engineRow(state, engine));
  }
  const spec = config.cluster;
  return {
    stateDir,
    started: true,
    runtime: 'cluster',
    runtimeNote: `cluster (${spec?.file}; crypto-bench started none of these services, only its jobs)`,
    startedAt: state.startedAt,
    services,
    endpoints: {
      kafka: kafka.brokers.join(','),
      postgres: `postgresql://${pg.user}@${pg.host}:${pg.port}/${pg.database}`,
      ...(spec?.spark?.masterUi ? { sparkUi: spec.spark.masterUi } : {}),
      ...(spec?.flink ? { flinkUi: spec.flink.rest } : {}),
    },
    totalRssBytes: services.reduce((sum, s) => sum + (s.rssBytes ?? 0), 0),
    jobs: config.jobs,
  };
}

async function engineRow(state: StackState, engine: Engine): Promise<ServiceStatus> {
  if (engine === 'flink') {
    const jobId = state.cluster?.flinkJobId;
    const jobState = jobId ? await flinkRestOf(state.config).jobState(jobId) : undefined;
    const health: Health =
      jobState === 'RUNNING' ? 'healthy' : jobState === undefined ? 'unreachable' : 'dead';
    return {
      name: 'flink',
      role: jobId ? `flink job ${jobId}` : 'flink',
      health,
      version: state.cluster?.versions.flink,
    };
  }
  const record = state.services[engine];
  const alive = record !== undefined && isOurs(record.pid, state.config.stateDir);
  return {
    name: engine,
    ...(engine === 'spark' && state.cluster?.sparkAppId
      ? { role: `spark driver of ${state.cluster.sparkAppId}` }
      : {}),
    ...(record ? { pid: record.pid, logFile: record.logFile } : {}),
    health: alive ? 'running' : 'dead',
    version: record?.version ?? state.cluster?.versions[engine],
    rssBytes: alive && record ? treeRssBytes(record.pid) : undefined,
  };
}

async function answers(probe: () => Promise<unknown>): Promise<Health> {
  try {
    await probe();
    return 'healthy';
  } catch {
    return 'unreachable';
  }
}
