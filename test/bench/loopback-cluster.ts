/**
 * The e2e tests' loopback multi-node cluster, started by hand (for benchmarks, not a test): three Kafka brokers,
 * a Flink session cluster with two TaskManagers, a Spark standalone cluster with two workers and PostgreSQL, each
 * "node" on its own loopback address (127.0.0.11-13). Writes a cluster file for `--runtime cluster`, prints its
 * path and waits; Ctrl-C (or SIGTERM) stops every process it started. From the repository root:
 *
 *   npx vite-node test/bench/loopback-cluster.ts -- [--port-base 27092] [--partitions 6] [--sasl]
 *
 * then, in another shell, e.g.:
 *
 *   ./bin/run.js up --runtime cluster --cluster <printed file> --state-dir /tmp/cb-cluster --parallelism flink=2
 */
import { parseArgs } from 'node:util';
import { clusterFile, startLoopbackCluster } from '../support/loopback-cluster.js';

const { values } = parseArgs({
  options: {
    'port-base': { type: 'string', default: '27092' },
    partitions: { type: 'string', default: '6' },
    sasl: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});

const startedAt = Date.now();
const cluster = await startLoopbackCluster(Number(values['port-base']));
const file = clusterFile(cluster, { partitions: Number(values.partitions), sasl: values.sasl });
console.log(
  `Loopback cluster up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s; logs in ${cluster.dir}/logs`,
);
console.log(
  `Flink REST ${cluster.flinkRest}, Spark master ${cluster.sparkMaster} (UI ${cluster.sparkMasterUi})`,
);
console.log(`cluster file: ${file}`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await cluster.stop();
  console.log('Loopback cluster stopped');
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
setInterval(() => undefined, 60_000);
