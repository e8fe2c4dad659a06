import { AssignerProtocol } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackConfig } from '../../src/lib/config/stack-config.js';
import { connectAdmin } from '../../src/lib/engines/kafka.js';
import { FlinkRest } from '../../src/lib/engines/flink-rest.js';
import { SparkMaster } from '../../src/lib/engines/spark-master.js';
import type { RunRecord } from '../../src/lib/results/record.js';
import { expectOneHostClock } from '../support/clock.js';
import { readState } from '../../src/lib/runtime/state.js';
import type { StackStatus } from '../../src/lib/runtime/types.js';
import { json, runCli } from '../support/cli.js';
import {
  clusterFile,
  NODES,
  startLoopbackCluster,
  type LoopbackCluster,
} from '../support/loopback-cluster.js';
import { e2ePortOffset, e2eStack } from '../support/stack.js';

// A real multi-node cluster on this machine, every "node" on its own loopback address (127.0.0.11-13): three
// Kafka brokers (replication factor 3), a Flink session cluster with two TaskManagers, a Spark standalone
// cluster with two workers, and PostgreSQL. crypto-bench starts none of it: it gets a cluster file.
const CLUSTER_PORT_BASE = 27092 + e2ePortOffset();
const { stateDir, resultsDir } = e2eStack('cluster', 27192);
const sasl = e2eStack('cluster-sasl', 27292);
let cluster: LoopbackCluster;
let file: string;

beforeAll(async () => {
  cluster = await startLoopbackCluster(CLUSTER_PORT_BASE);
  file = clusterFile(cluster, { partitions: 6 });
});

afterAll(async () => {
  await runCli(['down', '--state-dir', stateDir]);
  await runCli(['down', '--state-dir', sasl.stateDir]);
  await cluster?.stop();
});

const clusterArgs = () => ['--runtime', 'cluster', '--cluster', file, '--state-dir', stateDir];

describe('the cluster runtime on a loopback cluster', () => {
  it('comes up on the existing services with 6 partitions and parallelism 2 for every engine', async () => {
    const up = await runCli([
      'up',
      ...clusterArgs(),
      '--port-base',
      String(27192 + e2ePortOffset()),
      '--parallelism',
      'spark=2,flink=2,baseline=2',
      '--json',
    ]);
    expect(up.code, up.stderr).toBe(0);
    const status = json<StackStatus>(up);
    expect(status.runtime).toBe('cluster');
    expect(status.services.map((s) => [s.name, s.health])).toEqual([
      ['postgres', 'healthy'],
      ['kafka', 'healthy'],
      ['spark', 'running'],
      ['flink', 'healthy'],
      ['baseline', 'running'],
    ]);
  });

  it('runs the Flink job at parallelism 2 with subtasks on both TaskManagers', async () => {
    const jobId = readState(stateDir)?.cluster?.flinkJobId as string;
    const vertices = await new FlinkRest(cluster.flinkRest).jobPlacement(jobId);
    const source = vertices.find((v) => /Source/i.test(v.name));
    expect(source?.parallelism).toBe(2);
    expect(new Set(vertices.flatMap((v) => v.taskmanagers)).size).toBe(2);
  });

  it('gives the Spark application executors on both workers', async () => {
    const master = new SparkMaster(cluster.sparkMasterUi);
    const appId = readState(stateDir)?.cluster?.sparkAppId;
    const overview = await master.overview();
    const app = overview.activeapps.find((a) => a.id === appId);
    expect(app?.cores).toBe(2);
    expect(
      overview.workers
        .filter((w) => w.coresused > 0)
        .map((w) => w.host)
        .sort(),
    ).toEqual(NODES.slice(1).map(String));
  });

  it('runs the baseline as two consumers of one group, three partitions each', async () => {
    const config = readState(stateDir)?.config as StackConfig;
    const admin = await connectAdmin(config);
    try {
      const { groups } = await admin.describeGroups(['crypto-bench-baseline']);
      const members = groups[0]?.members ?? [];
      const partitionsPerMember = members.map((member) => {
        const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
        return Object.values(assignment?.assignment ?? {}).flat().length;
      });
      expect(partitionsPerMember).toEqual([3, 3]);
    } finally {
      await admin.disconnect();
    }
  });

  it('measures a run in which every engine commits every event', async () => {
    const result = await runCli(
      [
        'run',
        ...clusterArgs(),
        '--duration',
        '30s',
        '--rate',
        '200',
        '--warmup',
        '5s',
        '--schedule-lag-bound',
        '1s',
        '--results-dir',
        resultsDir,
        '--json',
      ],
      { timeoutMs: 540_000 },
    );
    expect(result.code, result.stderr).toBe(0);
    const record = json<{ runs: RunRecord[] }>(result).runs[0] as RunRecord;
    expect(record.config.runtime).toBe('cluster');
    // PostgreSQL on a 127.0.0.x "node" shares this host's clock.
    expectOneHostClock(record);
    for (const engine of ['spark', 'flink', 'baseline'] as const) {
      const completeness = record.engines[engine]?.completeness;
      expect(completeness?.committedDistinctRows, engine).toBe(record.producer?.sentEvents);
      expect(completeness?.missingRows, engine).toBe(0);
    }
  });

  it('goes down leaving no crypto-bench job on either cluster and every cluster process running', async () => {
    const down = await runCli(['down', '--state-dir', stateDir, '--json']);
    expect(down.code, down.stderr).toBe(0);
    const jobs = await new FlinkRest(cluster.flinkRest).jobs();
    expect(jobs.filter((j) => j.status === 'RUNNING')).toEqual([]);
    const spark = await new SparkMaster(cluster.sparkMasterUi).overview();
    expect(spark.activeapps).toEqual([]);
    expect(spark.workers.filter((w) => w.state === 'ALIVE')).toHaveLength(2);
    expect((await new FlinkRest(cluster.flinkRest).overview())?.taskmanagers).toBe(2);
  });

  it('works with a Kafka that needs SASL/PLAIN, given only in the cluster file', async () => {
    const saslFile = clusterFile(cluster, { sasl: true, partitions: 3, topic: 'crypto_prices_sasl' });
    const up = await runCli([
      'up',
      '--runtime',
      'cluster',
      '--cluster',
      saslFile,
      '--engines',
      'flink,baseline',
      ...sasl.stackArgs,
      '--json',
    ]);
    expect(up.code, up.stderr).toBe(0);
    expect(json<StackStatus>(up).services.every((s) => s.health !== 'dead')).toBe(true);
    const down = await runCli(['down', '--state-dir', sasl.stateDir, '--volumes', '--yes']);
    expect(down.code, down.stderr).toBe(0);
  });

  it('refuses a Flink cluster with too few free slots, leaving nothing submitted', async () => {
    const result = await runCli(['up', ...clusterArgs(), '--engines', 'flink', '--parallelism', 'flink=3']);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/2 free task slots .* the job needs 3/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const jobs = await new FlinkRest(cluster.flinkRest).jobs();
    expect(jobs.filter((j) => j.status === 'RUNNING')).toEqual([]);
    expect(readState(stateDir)).toBeUndefined();
  });
});
