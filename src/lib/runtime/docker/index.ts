import { ENGINES } from '../../config/defaults.js';
import type { Runtime } from '../runtime.js';
import { downDocker } from './down.js';
import { clearDockerCheckpoints, dockerJobs, keepDockerFlinkJob } from './jobs.js';
import { dockerLogs } from './logs.js';
import { dockerCostSampler } from './stats.js';
import { dockerStatus } from './status.js';
import { upDocker } from './up.js';
import { dockerFaultTargets, dockerRestarts, injectDockerFault, superviseDocker } from './faults.js';

/**
 * The docker runtime: the same jars and configs in containers on a Docker engine (Spark as master + worker +
 * driver, Flink as JobManager + TaskManager with the job submitted over REST), labelled with the stack id.
 */
export const dockerRuntime: Runtime = {
  name: 'docker',
  up: upDocker,
  down: downDocker,
  status: dockerStatus,
  startJobs: (stateDir, engines, options) => dockerJobs(stateDir).start(engines, options),
  stopJobs: (stateDir, engines) => dockerJobs(stateDir).stop(engines),
  // Checkpoints live in the stack's volume, cleared from inside a container that mounts it.
  topicRecreationProblem: () => undefined,
  clearCheckpoints: clearDockerCheckpoints,
  async startedJobs(state) {
    const roles = state.docker?.containers.map((c) => c.role) ?? [];
    return ENGINES.filter((engine) =>
      engine === 'flink'
        ? state.docker?.flinkJobId !== undefined
        : roles.includes(engine === 'spark' ? 'spark-driver' : engine),
    );
  },
  costSampler: dockerCostSampler,
  logs: dockerLogs,
  faultTargets: dockerFaultTargets,
  injectFault: injectDockerFault,
  supervise: superviseDocker,
  restarts: dockerRestarts,
  keepJobs: (stateDir) => keepDockerFlinkJob(stateDir),
};
