import { ENGINES } from '../../config/defaults.js';
import { UsageError } from '../../errors.js';
import type { Runtime } from '../runtime.js';
import { downDocker } from './down.js';
import { dockerJobs, keepDockerFlinkJob } from './jobs.js';
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
  // The jobs' checkpoints live in a volume the jobs' containers share; clearing it between points is not
  // built yet, so a new partition count is a new stack.
  topicRecreationProblem: () =>
    "the docker runtime cannot change the partitions of a running stack yet (the jobs' checkpoints are in a container volume); sweep one partition count at a time, with `down --volumes` and `up --runtime docker --partitions N` between, or use the local or cluster runtime",
  clearCheckpoints: async () => {
    throw new UsageError("The docker runtime cannot clear the jobs' checkpoints of a running stack", {
      suggestions: ['Run `crypto-bench down --volumes`, then `up --runtime docker` again'],
    });
  },
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
