import { rmSync } from 'node:fs';
import path from 'node:path';
import { ENGINES, type ServiceName } from '../../config/defaults.js';
import { kafkaAccess } from '../../engines/access.js';
import { connectAdmin } from '../../engines/kafka.js';
import { connect } from '../../engines/postgres.js';
import { engineTables } from '../../engines/schema.js';
import { isOurs } from '../processes.js';
import { clearState, readState, statePaths } from '../state.js';
import type { DownResult } from '../types.js';
import { flinkRestOf, stopClusterJobs } from './jobs.js';

/**
 * `down` of a cluster stack: cancels the Flink job and removes the jar this state directory submitted, stops
 * the Spark driver (and kills its application if it outlived it) and the baseline. The cluster's services keep
 * running. With `volumes` it also drops crypto-bench's own tables and topic (`down` asks first), nothing else.
 */
export async function downCluster(stateDir: string, options: { volumes: boolean }): Promise<DownResult> {
  const state = readState(stateDir);
  if (!state) return { stateDir, stopped: [], alreadyDead: [], nothingRunning: true, deleted: [] };
  const engines = state.config.engines;
  const alive = engines.filter((engine) =>
    engine === 'flink'
      ? state.cluster?.flinkJobId !== undefined
      : state.services[engine] !== undefined && isOurs(state.services[engine].pid, stateDir),
  );
  await stopClusterJobs(state, [...engines].reverse());
  const jarId = state.cluster?.flinkJarId;
  if (jarId && engines.includes('flink')) await flinkRestOf(state.config).deleteJar(jarId);
  const deleted = options.volumes ? await dropOwnData(state.config) : [];
  clearState(stateDir);
  if (options.volumes) {
    const paths = statePaths(stateDir);
    for (const dir of [paths.checkpoints, paths.logs, path.join(stateDir, 'tmp')]) {
      rmSync(dir, { recursive: true, force: true });
      deleted.push(dir);
    }
  }
  return {
    stateDir,
    stopped: alive as ServiceName[],
    alreadyDead: engines.filter((engine) => !alive.includes(engine)) as ServiceName[],
    nothingRunning: false,
    deleted,
  };
}

/** Drops crypto-bench's own tables and topic on the cluster; returns what was dropped. */
async function dropOwnData(config: Parameters<typeof connect>[0]): Promise<string[]> {
  const dropped: string[] = [];
  const client = await connect(config);
  try {
    for (const engine of ENGINES) {
      const { timed, ...tables } = engineTables(engine);
      await client.query(`DROP VIEW IF EXISTS ${timed}`);
      for (const table of Object.values(tables)) {
        await client.query(`DROP TABLE IF EXISTS ${table}`);
        dropped.push(`table ${table}`);
      }
    }
  } finally {
    await client.end();
  }
  const access = kafkaAccess(config);
  if (access.createTopic) {
    const admin = await connectAdmin(config);
    try {
      if ((await admin.listTopics()).includes(access.topic)) {
        await admin.deleteTopics({ topics: [access.topic] });
        dropped.push(`topic ${access.topic}`);
      }
    } finally {
      await admin.disconnect();
    }
  }
  return dropped;
}
