import { ENGINES, type ServiceName } from '../../config/defaults.js';
import { UsageError } from '../../errors.js';
import { tailFile } from '../processes.js';
import { clearCheckpointsDir } from '../state.js';
import { sampleProcessTree } from '../proc-stats.js';
import type { Runtime } from '../runtime.js';
import { downLocal } from './down.js';
import { startJobs, stopJobs } from './jobs.js';
import { stackStatus } from './status.js';
import { upLocal } from './up.js';
import { injectLocalFault, localFaultTargets } from './faults.js';
import { readSupervision, startSupervisor, stopSupervisor } from './supervisor.js';

/**
 * The embedded runtime (the default): PostgreSQL, Kafka and every engine's job as detached child processes on
 * 127.0.0.1, recorded by pid in the state directory.
 */
export const localRuntime: Runtime = {
  name: 'local',
  up: upLocal,
  down: downLocal,
  status: stackStatus,
  startJobs,
  stopJobs,
  topicRecreationProblem: () => undefined,
  clearCheckpoints: clearCheckpointsDir,
  startedJobs: async (state) => ENGINES.filter((engine) => state.services[engine] !== undefined),
  async costSampler(stateDir) {
    const status = await stackStatus(stateDir);
    return async (engine) => {
      const pid = status.services.find((s) => s.name === engine)?.pid;
      return pid === undefined ? undefined : sampleProcessTree(pid);
    };
  },
  async logs(state, service, lines) {
    const record = state.services[service as ServiceName];
    if (!record) {
      throw new UsageError(`No service "${service}" runs in ${state.config.stateDir}`, {
        suggestions: [`Choose from ${Object.keys(state.services).join(', ')}`],
      });
    }
    return tailFile(record.logFile, lines);
  },
  faultTargets: localFaultTargets,
  injectFault: injectLocalFault,
  supervise: (stateDir, on) => (on ? startSupervisor(stateDir) : stopSupervisor(stateDir)),
  async restarts(stateDir, sinceUs) {
    return (readSupervision(stateDir)?.restarts ?? []).filter((r) => r.atUs >= sinceUs);
  },
  // The supervisor process restarts a job's whole process, which resumes from its checkpoint by itself.
  keepJobs: async () => undefined,
};
