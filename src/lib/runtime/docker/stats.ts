import type Docker from 'dockerode';
import type { ProcessSample } from '../../metrics/cost.js';
import type { CostSampler } from '../runtime.js';
import { readState, type ContainerRecord } from '../state.js';
import { connectDocker } from './client.js';

/**
 * CPU time and memory of one container from the engine's own accounting (its cgroup): cumulative CPU time,
 * and memory in use less the page cache (what `docker stats` shows). Undefined when it is not running.
 */
export async function sampleContainer(docker: Docker, name: string): Promise<ProcessSample | undefined> {
  try {
    const stats = await docker.getContainer(name).stats({ stream: false, 'one-shot': true });
    const usage = stats.memory_stats?.usage;
    if (!stats.cpu_stats?.cpu_usage || usage === undefined) return undefined;
    const memory = stats.memory_stats.stats ?? ({} as Docker.MemoryStats['stats']);
    // cgroup v1 counts the page cache in `cache`, v2 in `inactive_file`.
    const cache = memory.total_inactive_file ?? memory.inactive_file ?? memory.cache ?? 0;
    return {
      atMs: Date.now(),
      cpuSeconds: stats.cpu_stats.cpu_usage.total_usage / 1e9,
      rssBytes: Math.max(0, usage - cache),
    };
  } catch {
    return undefined;
  }
}

/** The sum of the samples of several containers (an engine's cluster), or undefined when none runs. */
export async function sampleContainers(
  docker: Docker,
  containers: ContainerRecord[],
): Promise<ProcessSample | undefined> {
  const samples = (await Promise.all(containers.map((c) => sampleContainer(docker, c.name)))).filter(
    (sample): sample is ProcessSample => sample !== undefined,
  );
  if (samples.length === 0) return undefined;
  return {
    atMs: Date.now(),
    cpuSeconds: samples.reduce((sum, s) => sum + s.cpuSeconds, 0),
    rssBytes: samples.reduce((sum, s) => sum + s.rssBytes, 0),
  };
}

/**
 * The cost sampler of the docker runtime: every container of the engine (Spark's master, worker with its
 * executors, and driver; Flink's JobManager and TaskManager; the baseline's consumer), summed.
 */
export async function dockerCostSampler(stateDir: string): Promise<CostSampler> {
  const docker = await connectDocker();
  return async (engine) => {
    const containers = readState(stateDir)?.docker?.containers.filter((c) => c.service === engine) ?? [];
    return sampleContainers(docker, containers);
  };
}
