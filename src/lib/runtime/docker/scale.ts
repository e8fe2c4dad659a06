import {
  dockerScaleOf,
  parallelismOf,
  type JobSettings,
  type StackConfig,
} from '../../config/stack-config.js';
import type { ContainerRecord } from '../state.js';
import type { Role } from './topology.js';

/**
 * How big the docker runtime makes its Spark and Flink clusters (`--taskmanagers`, `--spark-workers`) and how
 * the jobs' parallelism is laid out on them. Pure functions of the stack config.
 *
 * Flink: each TaskManager offers ceil(P / N) task slots for a job parallelism P on N TaskManagers. With slot
 * sharing a job of parallelism P needs exactly P slots, so the cluster offers enough and the subtasks spread
 * evenly: with spare slots on a TaskManager the scheduler could pack the job into fewer of them and leave the
 * others idle, and every slot shares its TaskManager's fixed memory. When P < N the TaskManagers without a
 * subtask are standbys: the job moves to one of them at once when its own TaskManager dies.
 *
 * Spark: the application holds max(2, P) cores in all (`spark.cores.max`; at least two, like the local
 * runtime's `local[max(2, P)]` threads, because the gold queries need a second), each worker offers
 * ceil(cores / W), and without `spark.executor.cores` the standalone master gives the application one executor
 * per worker, spreading the cores over the workers one at a time (`spark.deploy.spreadOut`, on by default).
 */

/** The cluster sizes of one docker stack, and what each of its processes offers. */
export interface ClusterScale {
  /** Flink TaskManager containers. */
  taskmanagers: number;
  /** Task slots of each TaskManager. */
  slotsPerTaskManager: number;
  /** Spark worker containers. */
  sparkWorkers: number;
  /** Cores the Spark application holds in all (`spark.cores.max`); the shuffle partitions follow it. */
  sparkCores: number;
  /** Cores each Spark worker offers (`--cores`). */
  coresPerWorker: number;
}

/** The scale of a stack config: its container counts, and slots and cores for its job parallelism. */
export function clusterScale(config: StackConfig): ClusterScale {
  const { taskmanagers, sparkWorkers } = dockerScaleOf(config);
  const sparkCores = sparkCoresFor(config.jobs);
  return {
    taskmanagers,
    slotsPerTaskManager: Math.ceil(parallelismOf(config.jobs, 'flink') / taskmanagers),
    sparkWorkers,
    sparkCores,
    coresPerWorker: Math.ceil(sparkCores / sparkWorkers),
  };
}

/** Cores the Spark application asks for at these settings: max(2, its parallelism). */
export function sparkCoresFor(jobs: JobSettings): number {
  return Math.max(2, parallelismOf(jobs, 'spark'));
}

/**
 * Why a running stack's clusters cannot run jobs at these settings (a parallelism above what its TaskManagers'
 * slots or its workers' cores offer, both fixed at `up`), with the fix; undefined when they fit.
 */
export function capacityProblem(
  scale: ClusterScale,
  jobs: JobSettings,
): { message: string; fix: string } | undefined {
  const slots = scale.taskmanagers * scale.slotsPerTaskManager;
  const flink = parallelismOf(jobs, 'flink');
  if (flink > slots) {
    return {
      message: `--parallelism flink=${flink} needs ${flink} task slots; this docker stack's ${scale.taskmanagers} TaskManager(s) offer ${scale.slotsPerTaskManager} each (${slots})`,
      fix: `Run \`crypto-bench down\`, then \`crypto-bench up --runtime docker --parallelism flink=${flink}\` (slots are set at up), or lower --parallelism flink`,
    };
  }
  const cores = scale.sparkWorkers * scale.coresPerWorker;
  const spark = sparkCoresFor(jobs);
  if (spark > cores) {
    return {
      message: `--parallelism spark=${parallelismOf(jobs, 'spark')} needs ${spark} executor cores; this docker stack's ${scale.sparkWorkers} Spark worker(s) offer ${scale.coresPerWorker} each (${cores})`,
      fix: `Run \`crypto-bench down\`, then \`crypto-bench up --runtime docker --parallelism spark=${parallelismOf(jobs, 'spark')}\` (worker cores are set at up), or lower --parallelism spark`,
    };
  }
  return undefined;
}

/** One container of a role: its instance number and the name it goes by (`flink-taskmanager-2`). */
export interface Unit {
  /** What it runs. */
  role: Role;
  /** 1 to the number of containers of the role. */
  instance: number;
  /** The role when it has one container, else `<role>-<instance>`: the compose service, the name suffix. */
  name: string;
}

/** How many containers of a role a config runs: TaskManagers and workers as asked, one of anything else. */
export function instancesOf(config: StackConfig, role: Role): number {
  const scale = dockerScaleOf(config);
  if (role === 'flink-taskmanager') return scale.taskmanagers;
  if (role === 'spark-worker') return scale.sparkWorkers;
  return 1;
}

/**
 * The containers of one role. A role with one container keeps the role's name (the default stack, its compose
 * file and everything that names `flink-taskmanager` stay as they were); several are numbered from 1.
 */
export function unitsOfRole(config: StackConfig, role: Role): Unit[] {
  const count = instancesOf(config, role);
  return Array.from({ length: count }, (_, i) => ({
    role,
    instance: i + 1,
    name: count === 1 ? role : `${role}-${i + 1}`,
  }));
}

/** The name a recorded container goes by (state files from before scaling recorded only the role). */
export function unitOf(record: Pick<ContainerRecord, 'role' | 'unit'>): string {
  return record.unit ?? record.role;
}
