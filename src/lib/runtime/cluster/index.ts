import { ENGINES, type ServiceName } from '../../config/defaults.js';
import { UsageError } from '../../errors.js';
import { kafkaAccess } from '../../engines/access.js';
import { tailFile } from '../processes.js';
import { clearCheckpointsDir } from '../state.js';
import { sampleProcessTree } from '../proc-stats.js';
import type { Runtime } from '../runtime.js';
import { downCluster } from './down.js';
import { startClusterJobs, stopClusterJobsIn } from './jobs.js';
import { clusterStatus } from './status.js';
import { upCluster } from './up.js';
import { injectLocalFault } from '../local/faults.js';

/**
 * The cluster runtime: existing Kafka, PostgreSQL, Flink session cluster and Spark master named in a cluster
 * file. crypto-bench starts none of them; it submits its jobs there and runs the Spark driver (client mode) and
 * the baseline consumer on this host.
 */
export const clusterRuntime: Runtime = {
  name: 'cluster',
  up: upCluster,
  down: downCluster,
  status: clusterStatus,
  startJobs: startClusterJobs,
  stopJobs: stopClusterJobsIn,
  // Only a topic crypto-bench creates is one it may delete (as `down --volumes` does).
  topicRecreationProblem: (config) =>
    kafkaAccess(config).createTopic
      ? undefined
      : `the topic ${kafkaAccess(config).topic} is the cluster's (kafka.topic.create: false), so crypto-bench will not delete it to change its partitions; sweep one partition count per topic, or let crypto-bench create its own topic (kafka.topic.create: true)`,
  clearCheckpoints: clearCheckpointsDir,
  startedJobs: async (state) =>
    ENGINES.filter((engine) =>
      engine === 'flink' ? state.cluster?.flinkJobId !== undefined : state.services[engine] !== undefined,
    ),
  async costSampler(stateDir) {
    // What runs on this host (the Spark driver, the baseline); the cluster's TaskManagers and executors are
    // not sampled: their hosts are the user's (README: cost on a cluster).
    const status = await clusterStatus(stateDir);
    return async (engine) => {
      const pid = status.services.find((s) => s.name === engine)?.pid;
      return pid === undefined ? undefined : sampleProcessTree(pid);
    };
  },
  // What a fault can hit here: the processes crypto-bench runs on this host (the Spark driver, the baseline).
  // The cluster's own processes are the user's; its recovery is the engines' own (Flink restart strategies).
  faultTargets: (state) => (['spark', 'baseline'] as const).filter((name) => state.services[name]),
  async injectFault(state, target, action) {
    if (action === 'restart') {
      return {
        outcome: 'not-injected',
        detail: 'restart is not available on the cluster runtime; use kill or stop',
      };
    }
    return injectLocalFault(state, target, action);
  },
  // No supervisor of crypto-bench's own on a cluster: Flink's restart strategy restarts its job; the Spark driver
  // and the baseline run unsupervised here (README: the cluster runtime).
  supervise: async () => undefined,
  restarts: async () => [],
  keepJobs: async () => undefined,
  async logs(state, service, lines) {
    const record = state.services[service as ServiceName];
    if (!record) {
      throw new UsageError(`No process of "${service}" runs on this host for ${state.config.stateDir}`, {
        suggestions: [
          `Choose from ${Object.keys(state.services).join(', ') || 'none'}; Flink's logs are in its web UI (${state.config.cluster?.flink?.rest})`,
        ],
      });
    }
    return tailFile(record.logFile, lines);
  },
};
