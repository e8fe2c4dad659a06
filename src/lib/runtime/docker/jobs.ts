import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { DEFAULTS, type Engine } from '../../config/defaults.js';
import { mergeJobSettings, type JobSettings } from '../../config/stack-config.js';
import { InfrastructureError, JobFailureError, UsageError } from '../../errors.js';
import { JOBS } from '../../engines/jobs.js';
import { waitUntilConsuming, type ConsumeWatch } from '../../engines/probe.js';
import { modulePaths } from '../java.js';
import type { StartJobsOptions } from '../runtime.js';
import {
  readState,
  statePaths,
  updateState,
  writeState,
  type DockerState,
  type StackState,
} from '../state.js';
import { cgroupsFor } from './cgroups.js';
import { connectDocker } from './client.js';
import { assertContainerRunning, execInContainer, removeContainer, startContainer } from './containers.js';
import { FlinkRest } from '../../engines/flink-rest.js';
import { capacityProblem, clusterScale } from './scale.js';
import { nextRestart } from '../supervision-policy.js';
import { containerSpec, flinkProgramArgs, STATE_MOUNT, type DockerPlan, type Role } from './topology.js';

/** The container that runs each engine's job; Flink's job runs inside its cluster instead. */
const JOB_ROLE: Record<Exclude<Engine, 'flink'>, Role> = { spark: 'spark-driver', baseline: 'baseline' };

/** The docker state of a stack state, which the docker runtime always writes. */
export function dockerState(state: StackState): DockerState {
  if (!state.docker)
    throw new InfrastructureError(`The state file of ${state.config.stateDir} has no Docker section`);
  return state.docker;
}

/** The plan a stack was started from. */
export function planOf(state: StackState): DockerPlan {
  const docker = dockerState(state);
  return { config: state.config, id: docker.stackId, internalPorts: docker.internalPorts };
}

/** The Flink JobManager's REST API of a stack, from the host. */
export function flinkRest(state: StackState, timeoutMs?: number): FlinkRest {
  return new FlinkRest(`http://${DEFAULTS.host}:${state.config.ports.flinkUi}`, timeoutMs);
}

/** Starts the job of each engine: a driver or consumer container, or a Flink job submitted over REST. */
export async function launchDockerJobs(docker: Docker, state: StackState, engines: Engine[]): Promise<void> {
  const plan = planOf(state);
  const record = dockerState(state);
  const ctx = {
    id: record.stackId,
    stateDir: state.config.stateDir,
    images: record.images,
    cgroups: await cgroupsFor(docker, state.config.docker.cpus),
  };
  for (const engine of engines) {
    if (engine === 'flink') {
      await submitFlinkJob(state);
    } else {
      record.containers.push(await startContainer(docker, containerSpec(plan, JOB_ROLE[engine]), ctx));
    }
    writeState(state.config.stateDir, state);
  }
}

/**
 * Submits the Flink job through the JobManager's REST API: uploads the job's jar (once per stack) and runs
 * its main class with the same arguments as on the local runtime, plus `--cluster true`.
 */
async function submitFlinkJob(state: StackState): Promise<void> {
  const rest = flinkRest(state);
  const record = dockerState(state);
  if (!record.flinkJarId || !(await rest.hasJar(record.flinkJarId))) {
    record.flinkJarId = await rest.uploadJar(modulePaths('flink-job').jar);
  }
  record.flinkJobId = await rest.runJar(
    record.flinkJarId,
    JOBS.flink.mainClass,
    [...flinkProgramArgs(planOf(state)), '--cluster', 'true'],
    1,
  );
}

/**
 * Brings back the Flink job of a supervised docker stack when its JobManager lost it. The JobManager runs
 * without high availability, so when Docker restarts its container (a crash, a `flink:kill` fault) it comes
 * back with no job at all; a job that FAILED (its restart strategy gave up) is gone the same way. Either way
 * the job is submitted again as `up` submitted it, and restores the newest checkpoint on the shared volume
 * (the Flink job's CheckpointResume) — what HA or an operator would do. A JobManager that does not answer yet
 * is left to Docker; a job cancelled on purpose (`stopJobs` cancels it before forgetting its id) is left alone.
 * Resubmissions follow the supervisors' policy (backoff; given up on, with an error, after 5 within 5 minutes, so
 * a job that cannot start is reported instead of resubmitted forever), and each is recorded in the state, so
 * the run's restarts list it. `up` on a running stack brings the job back even when the stack is not supervised
 * (`always`): the user asked for a stack that runs.
 */
export async function keepDockerFlinkJob(stateDir: string, always = false): Promise<void> {
  const state = readState(stateDir);
  const jobId = state?.docker?.flinkJobId;
  if (!state?.docker || !jobId || (state.docker.supervised === false && !always)) return;
  // A frozen JobManager (a pause fault) must not hold the run up: its questions get a few seconds.
  const rest = flinkRest(state, 5000);
  if (!(await rest.overview())) return;
  const known = await rest.jobs().catch(() => undefined);
  if (!known) return;
  const job = known.find((j) => j.id === jobId);
  if (job && job.status !== 'FAILED') return;
  const why = job ? `its job ${jobId} FAILED` : `the JobManager came back without its job ${jobId} (no HA)`;
  const earlier = (state.docker.jobRestarts ?? []).filter((r) => r.service === 'flink');
  const decision = nextRestart(
    earlier.map((r) => r.atUs / 1000),
    Date.now(),
  );
  if (decision.action === 'give-up') {
    throw new JobFailureError(`The Flink job was not submitted again: ${why}, and ${decision.reason}`, {
      suggestions: ['See `crypto-bench status --logs flink-jobmanager`'],
    });
  }
  const lastMs = (earlier.at(-1)?.atUs ?? 0) / 1000;
  if (Date.now() - lastMs < decision.delayMs) return;
  await submitFlinkJob(state);
  const atUs = Date.now() * 1000;
  let recorded = false;
  updateState(stateDir, (fresh) => {
    if (!fresh.docker || fresh.docker.flinkJobId !== jobId) return;
    recorded = true;
    const restarts = fresh.docker.jobRestarts ?? [];
    fresh.docker.flinkJobId = state.docker?.flinkJobId;
    fresh.docker.flinkJarId = state.docker?.flinkJarId;
    fresh.docker.jobRestarts = [
      ...restarts,
      {
        service: 'flink',
        atUs,
        exitReason: `${why}; submitted again by crypto-bench`,
        attempt: restarts.filter((r) => r.service === 'flink').length + 1,
      },
    ];
  });
  // The job was stopped or replaced on purpose meanwhile: the one just submitted is nobody's.
  const submitted = state.docker.flinkJobId;
  if (!recorded && submitted) await rest.cancel(submitted).catch(() => undefined);
}

/** Roles whose containers mount the volume of checkpoints (Flink's cluster, Spark's workers and driver). */
const CHECKPOINT_ROLES: readonly string[] = [
  'flink-jobmanager',
  'flink-taskmanager',
  'spark-worker',
  'spark-driver',
];

/**
 * Deletes the jobs' checkpoints and scratch files in the stack's shared volume (jobs stopped): from inside a
 * running container that mounts it, as nothing on the host can reach a named volume's files. A stack with no
 * such container (the baseline alone) has no checkpoints: the baseline keeps its offsets in PostgreSQL.
 */
export async function clearDockerCheckpoints(stateDir: string): Promise<void> {
  const state = readState(stateDir);
  if (!state) return;
  const docker = await connectDocker();
  const dir = statePaths(STATE_MOUNT).checkpoints;
  for (const record of dockerState(state).containers.filter((c) => CHECKPOINT_ROLES.includes(c.role))) {
    const container = docker.getContainer(record.id);
    const running = await container
      .inspect()
      .then((info) => info.State.Running && !info.State.Paused)
      .catch(() => false);
    if (!running) continue;
    const { code, output } = await execInContainer(container, `rm -rf ${dir} && mkdir -p ${dir}`);
    if (code !== 0)
      throw new InfrastructureError(
        `Could not delete the jobs' checkpoints in ${record.name} (exit ${code}): ${output}`,
        { suggestions: ['Run `crypto-bench down --volumes`, then `up --runtime docker` again'] },
      );
    return;
  }
}

/** Stops the job of each engine, leaving the rest of the stack (Spark and Flink clusters too) running. */
export async function stopDockerJobs(docker: Docker, state: StackState, engines: Engine[]): Promise<void> {
  const record = dockerState(state);
  for (const engine of engines) {
    if (engine === 'flink') {
      if (record.flinkJobId) await flinkRest(state).cancel(record.flinkJobId);
      delete record.flinkJobId;
    } else {
      const role = JOB_ROLE[engine];
      const container = record.containers.find((c) => c.role === role);
      if (container) await removeContainer(docker, container.name);
      record.containers = record.containers.filter((c) => c.role !== role);
    }
    writeState(state.config.stateDir, state);
  }
}

/** How `waitUntilConsuming` watches the docker runtime's jobs: containers running, Flink's job not failed. */
export function dockerWatch(
  docker: Docker,
  state: StackState,
  onOutput?: (line: string) => void,
): ConsumeWatch {
  return {
    assertAlive: async (engine) => {
      for (const container of dockerState(state).containers.filter((c) => c.service === engine))
        await assertContainerRunning(docker, container);
      if (engine === 'flink') await assertFlinkJobAlive(state);
    },
    logHint: (engine) => `crypto-bench status --logs ${engine === 'flink' ? 'flink-jobmanager' : engine}`,
    onOutput,
  };
}

async function assertFlinkJobAlive(state: StackState): Promise<void> {
  const jobId = dockerState(state).flinkJobId;
  if (!jobId) return;
  const rest = flinkRest(state);
  const status = await rest.jobState(jobId);
  if (status === 'FAILED' || status === 'CANCELED' || status === 'FINISHED') {
    throw new JobFailureError(`The Flink job ${jobId} is ${status}:\n${await rest.rootException(jobId)}`, {
      suggestions: ['See `crypto-bench status --logs flink-jobmanager` and `--logs flink-taskmanager`'],
    });
  }
}

/** Waits until every TaskManager of the stack has registered with the JobManager, with its free slots. */
export async function waitForFlinkSlots(
  docker: Docker,
  state: StackState,
  timeoutMs: number,
): Promise<string> {
  const rest = flinkRest(state);
  const scale = dockerState(state).scale ?? clusterScale(state.config);
  const slots = scale.taskmanagers * scale.slotsPerTaskManager;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const container of dockerState(state).containers.filter((c) => c.service === 'flink'))
      await assertContainerRunning(docker, container);
    const overview = await rest.overview();
    if (overview && overview.taskmanagers >= scale.taskmanagers && overview['slots-available'] >= slots)
      return overview['flink-version'];
    if (Date.now() > deadline) {
      const seen = overview
        ? `${overview.taskmanagers} TaskManager(s) with ${overview['slots-available']} free slots`
        : 'no answer from the JobManager';
      throw new InfrastructureError(
        `The Flink cluster did not offer ${scale.taskmanagers} TaskManager(s) with ${slots} free slots within ${timeoutMs / 1000}s (${seen})`,
        { suggestions: ['See `crypto-bench status --logs flink-taskmanager`'] },
      );
    }
    await sleep(500);
  }
}

/** Refuses job settings whose parallelism the stack's clusters, sized at `up`, cannot run (scale.ts). */
export function assertCapacity(state: StackState, settings: JobSettings): void {
  const problem = capacityProblem(dockerState(state).scale ?? clusterScale(state.config), settings);
  if (problem) throw new UsageError(problem.message, { suggestions: [problem.fix] });
}

/** `startJobs`/`stopJobs` of the docker runtime (`--isolate`, `sweep`). */
export function dockerJobs(stateDir: string) {
  const load = (): StackState => {
    const state = readState(stateDir);
    if (!state) {
      throw new InfrastructureError(`No stack is running in ${stateDir}`, {
        suggestions: ['Run `crypto-bench up` first'],
      });
    }
    return state;
  };
  return {
    async stop(engines: Engine[]): Promise<void> {
      await stopDockerJobs(await connectDocker(), load(), engines);
    },
    async start(engines: Engine[], options: StartJobsOptions): Promise<void> {
      const docker = await connectDocker();
      const before = load();
      // Before any job stops: a parallelism the clusters cannot run is refused, naming the fix.
      assertCapacity(before, mergeJobSettings(before.config.jobs, options.settings ?? {}));
      await stopDockerJobs(docker, before, engines);
      const state = load();
      state.config = { ...state.config, jobs: mergeJobSettings(state.config.jobs, options.settings ?? {}) };
      writeState(stateDir, state);
      await launchDockerJobs(docker, state, engines);
      await waitUntilConsuming(
        state.config,
        engines,
        Date.now() + options.timeoutMs,
        dockerWatch(docker, state),
      );
    },
  };
}
