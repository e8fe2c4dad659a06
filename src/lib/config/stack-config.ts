import path from 'node:path';
import { UsageError } from '../errors.js';
import { readClusterFile, type ClusterSpec } from './cluster-file.js';
import {
  DEFAULTS,
  PORT_OFFSETS,
  type DeliveryGuarantee,
  type DockerNetwork,
  type Engine,
  type RuntimeName,
  type StateBackend,
} from './defaults.js';
import type { CpuLimits, Parallelism } from './lists.js';

/** The ports of one stack, all bound to 127.0.0.1. */
export interface StackPorts {
  /** Kafka broker (PLAINTEXT listener). */
  kafka: number;
  /** Kafka KRaft controller listener. */
  kafkaController: number;
  /** PostgreSQL server. */
  postgres: number;
  /** Spark UI of the Spark job's driver. */
  sparkUi: number;
  /** Flink web UI / REST API of the Flink MiniCluster. */
  flinkUi: number;
}

/** Settings of the jobs; `sweep` varies them. */
export interface JobSettings {
  /** Spark micro-batch trigger interval; 0 = as fast as possible. Ignored under Real-Time Mode. */
  sparkTriggerMs: number;
  /** Spark's Real-Time Mode instead of micro-batches (per-record writer). */
  sparkRealtime: boolean;
  /** Flink network buffer timeout. */
  flinkBufferTimeoutMs: number;
  /** Rows per JDBC batch of Flink's sink. */
  flinkBatchSize: number;
  /** Longest a row waits in Flink's JDBC batch. */
  flinkBatchIntervalMs: number;
  /**
   * Flink checkpoint interval (`--checkpoint-interval`): how often Flink commits Kafka offsets and, under
   * exactly-once, its sink's rows. Spark has no separate one: each micro-batch is its commit (the trigger).
   */
  flinkCheckpointIntervalMs: number;
  /** Delivery guarantee of every job; absent in state files and records from before it existed (at-least-once). */
  delivery: DeliveryGuarantee;
  /** State backend of the gold windows (Flink's backend, Spark's state store provider); absent before = hashmap. */
  stateBackend: StateBackend;
  /** Rows per JDBC batch of the baseline consumer. */
  baselineBatchSize: number;
  /** Spark and Flink also compute the 10-minute and hourly gold tables, as the original pipeline did. */
  gold: boolean;
  /**
   * Parallelism per engine: Flink's job parallelism (and slots asked of the cluster), Spark's executors (local
   * runtime: worker threads) and shuffle partitions, the baseline's consumer threads. Absent in older state and
   * result files: 1 each.
   */
  parallelism?: Parallelism;
}

/** How the Docker runtime places the stack (the local runtime ignores these). */
export interface DockerSettings {
  /** The stack's own bridge network (ports published on 127.0.0.1), or the host's network. */
  network: DockerNetwork;
  /** CPU limit per service in cores; every container of an engine gets its engine's limit. */
  cpus: CpuLimits;
  /** Base image of the images built from compose/. */
  baseImage: string;
  /**
   * Flink TaskManager containers (`--taskmanagers`, default 1). State files from before it existed lack it:
   * read it through {@link dockerScaleOf}.
   */
  taskmanagers?: number;
  /** Spark worker containers (`--spark-workers`, default 1); absent in older state files, as above. */
  sparkWorkers?: number;
}

/** Everything needed to bring a stack up, resolved once from flags. */
export interface StackConfig {
  /** Runtime that runs the stack. */
  runtime: RuntimeName;
  /** Docker runtime settings. */
  docker: DockerSettings;
  /** Absolute state directory. */
  stateDir: string;
  /** Bind address of every service. */
  host: string;
  /** Ports of every service. */
  ports: StackPorts;
  /** Engines to start. */
  engines: Engine[];
  /**
   * Partitions of the topic (`--partitions`, default 3). State files written before it existed lack it: read
   * a running stack's through {@link partitionsOf}.
   */
  partitions: number;
  /** How long `up` waits for health. */
  upTimeoutMs: number;
  /** Job settings. */
  jobs: JobSettings;
  /** The existing services of `--runtime cluster` (from `--cluster FILE`). */
  cluster?: ClusterSpec;
}

/** Flag values the stack config is resolved from (all optional; defaults fill the rest). */
export interface StackFlagValues {
  'state-dir'?: string;
  'port-base'?: number;
  'kafka-port'?: number;
  'postgres-port'?: number;
  'spark-ui-port'?: number;
  'flink-ui-port'?: number;
  engines?: Engine[];
  partitions?: number;
  timeout?: number;
  gold?: boolean;
  runtime?: RuntimeName;
  network?: DockerNetwork;
  cpus?: CpuLimits;
  'base-image'?: string;
  taskmanagers?: number;
  'spark-workers'?: number;
  cluster?: string;
}

/** Resolves flags into one typed config; rejects two services on one port. */
export function resolveStackConfig(flags: StackFlagValues, cwd = process.cwd()): StackConfig {
  const base = flags['port-base'] ?? DEFAULTS.portBase;
  const ports: StackPorts = {
    kafka: flags['kafka-port'] ?? base + PORT_OFFSETS.kafka,
    kafkaController: base + PORT_OFFSETS.kafkaController,
    postgres: flags['postgres-port'] ?? base + PORT_OFFSETS.postgres,
    sparkUi: flags['spark-ui-port'] ?? base + PORT_OFFSETS.sparkUi,
    flinkUi: flags['flink-ui-port'] ?? base + PORT_OFFSETS.flinkUi,
  };
  assertDistinctPorts(ports);
  const runtime = flags.runtime ?? 'local';
  if (runtime === 'local' && (flags.network !== undefined || flags.cpus !== undefined)) {
    throw new UsageError(
      `--${flags.network === undefined ? 'cpus' : 'network'} applies to the docker runtime only`,
      {
        suggestions: ['Add --runtime docker'],
      },
    );
  }
  if ((runtime === 'cluster') !== (flags.cluster !== undefined)) {
    throw new UsageError(
      runtime === 'cluster'
        ? '--runtime cluster needs --cluster FILE'
        : '--cluster applies to --runtime cluster only',
      {
        suggestions: [
          'Pass both: --runtime cluster --cluster cluster.yaml (README: "Benchmark your own cluster")',
        ],
      },
    );
  }
  assertDockerScale(flags, runtime);
  const cluster = flags.cluster === undefined ? undefined : readClusterFile(path.resolve(cwd, flags.cluster));
  return {
    runtime,
    ...(cluster ? { cluster } : {}),
    docker: {
      network: flags.network ?? 'bridge',
      cpus: flags.cpus ?? {},
      baseImage: flags['base-image'] ?? DEFAULTS.baseImage,
      taskmanagers: flags.taskmanagers ?? 1,
      sparkWorkers: flags['spark-workers'] ?? 1,
    },
    stateDir: path.resolve(cwd, flags['state-dir'] ?? DEFAULTS.stateDir),
    host: DEFAULTS.host,
    ports,
    engines: flags.engines ?? ['spark', 'flink', 'baseline'],
    // A cluster file's topic sets the partitions unless --partitions is given.
    partitions: flags.partitions ?? cluster?.kafka.topic.partitions ?? DEFAULTS.topicPartitions,
    upTimeoutMs: flags.timeout ?? DEFAULTS.upTimeoutMs,
    jobs: {
      sparkTriggerMs: DEFAULTS.sparkTriggerMs,
      sparkRealtime: false,
      flinkBufferTimeoutMs: DEFAULTS.flinkBufferTimeoutMs,
      flinkBatchSize: DEFAULTS.flinkBatchSize,
      flinkBatchIntervalMs: DEFAULTS.flinkBatchIntervalMs,
      flinkCheckpointIntervalMs: DEFAULTS.flinkCheckpointIntervalMs,
      baselineBatchSize: DEFAULTS.baselineBatchSize,
      gold: flags.gold ?? true,
      parallelism: { spark: 1, flink: 1, baseline: 1 },
      delivery: DEFAULTS.delivery,
      stateBackend: DEFAULTS.stateBackend,
    },
  };
}

/**
 * `--taskmanagers` and `--spark-workers` size the docker runtime's Flink and Spark clusters: refused on a runtime
 * that does not start those clusters (local: one JVM per job; cluster: the user's own), and for an engine that
 * is not run, each naming the fix.
 */
function assertDockerScale(flags: StackFlagValues, runtime: RuntimeName): void {
  const given = (
    [
      ['taskmanagers', flags.taskmanagers, 'flink'],
      ['spark-workers', flags['spark-workers'], 'spark'],
    ] as const
  ).filter(([, value]) => value !== undefined);
  for (const [flag, , engine] of given) {
    if (runtime !== 'docker') {
      throw new UsageError(`--${flag} applies to the docker runtime only (this is --runtime ${runtime})`, {
        suggestions: [
          runtime === 'cluster'
            ? `Drop --${flag}: a cluster runs the ${engine === 'flink' ? 'TaskManagers' : 'workers'} it has; raise --parallelism ${engine}=N instead`
            : `Add --runtime docker, or drop --${flag} (the local runtime runs each job in one process; scale it with --parallelism ${engine}=N)`,
        ],
      });
    }
    if (flags.engines !== undefined && !flags.engines.includes(engine)) {
      throw new UsageError(`--${flag} sizes the ${engine} cluster, but --engines leaves ${engine} out`, {
        suggestions: [`Add ${engine} to --engines, or drop --${flag}`],
      });
    }
  }
}

/** The docker runtime's cluster sizes of a stack config, also of one saved before they existed (1 each). */
export function dockerScaleOf(config: StackConfig): { taskmanagers: number; sparkWorkers: number } {
  return { taskmanagers: config.docker.taskmanagers ?? 1, sparkWorkers: config.docker.sparkWorkers ?? 1 };
}

/** The topic's partitions of a stack config, also of one saved before `partitions` existed (3 then). */
export function partitionsOf(config: StackConfig): number {
  return config.partitions ?? DEFAULTS.topicPartitions;
}

function assertDistinctPorts(ports: StackPorts): void {
  const seen = new Map<number, string>();
  for (const [name, port] of Object.entries(ports)) {
    const other = seen.get(port);
    if (other) {
      throw new UsageError(`Port ${port} is given to both ${other} and ${name}`, {
        suggestions: ['Give each service its own port, or move them all with --port-base'],
      });
    }
    seen.set(port, name);
  }
}

/** The engines whose job settings differ: only those jobs are restarted (gold concerns Spark and Flink). */
export function changedEngines(before: JobSettings, after: JobSettings): Engine[] {
  const changed: Engine[] = [];
  const gold = before.gold !== after.gold;
  // Settings from before delivery and state backend existed read as their defaults.
  const delivery = (before.delivery ?? DEFAULTS.delivery) !== (after.delivery ?? DEFAULTS.delivery);
  const stateBackend =
    (before.stateBackend ?? DEFAULTS.stateBackend) !== (after.stateBackend ?? DEFAULTS.stateBackend);
  const scaled = (engine: Engine) => parallelismOf(before, engine) !== parallelismOf(after, engine);
  if (
    gold ||
    delivery ||
    stateBackend ||
    scaled('spark') ||
    before.sparkTriggerMs !== after.sparkTriggerMs ||
    before.sparkRealtime !== after.sparkRealtime
  )
    changed.push('spark');
  if (
    gold ||
    delivery ||
    stateBackend ||
    scaled('flink') ||
    before.flinkBufferTimeoutMs !== after.flinkBufferTimeoutMs ||
    before.flinkBatchSize !== after.flinkBatchSize ||
    before.flinkBatchIntervalMs !== after.flinkBatchIntervalMs ||
    before.flinkCheckpointIntervalMs !== after.flinkCheckpointIntervalMs
  ) {
    changed.push('flink');
  }
  if (delivery || scaled('baseline') || before.baselineBatchSize !== after.baselineBatchSize)
    changed.push('baseline');
  return changed;
}

/**
 * Settings with overrides applied; a parallelism override names only some engines, the others keep theirs.
 */
export function mergeJobSettings(base: JobSettings, overrides: Partial<JobSettings>): JobSettings {
  const parallelism = { spark: 1, flink: 1, baseline: 1, ...base.parallelism, ...overrides.parallelism };
  return { ...base, ...overrides, parallelism };
}

/** An engine's parallelism in these settings (1 in settings from before parallelism existed). */
export function parallelismOf(jobs: JobSettings, engine: Engine): number {
  return jobs.parallelism?.[engine] ?? 1;
}

/**
 * Where a running stack differs from what a command asked, in what only a new `up` can change: ports and the
 * docker runtime's network, CPU limits and base image. Empty when they agree; job settings are not compared
 * (they are applied to a running stack).
 */
export function stackDifferences(running: StackConfig, asked: StackConfig): string[] {
  const differences: string[] = [];
  for (const [name, port] of Object.entries(running.ports) as [keyof StackPorts, number][]) {
    if (asked.ports[name] !== port) differences.push(`${name} port ${port} (asked ${asked.ports[name]})`);
  }
  if (running.runtime !== 'docker') return differences;
  const { network, cpus, baseImage } = running.docker;
  if (asked.docker.network !== network)
    differences.push(`--network ${network} (asked ${asked.docker.network})`);
  if (JSON.stringify(asked.docker.cpus) !== JSON.stringify(cpus)) {
    const show = (limits: CpuLimits) =>
      Object.entries(limits)
        .map(([service, cores]) => `${service}=${cores}`)
        .join(',') || 'none';
    differences.push(`--cpus ${show(cpus)} (asked ${show(asked.docker.cpus)})`);
  }
  if (asked.docker.baseImage !== baseImage)
    differences.push(`--base-image ${baseImage} (asked ${asked.docker.baseImage})`);
  const [has, wants] = [dockerScaleOf(running), dockerScaleOf(asked)];
  if (wants.taskmanagers !== has.taskmanagers)
    differences.push(`--taskmanagers ${has.taskmanagers} (asked ${wants.taskmanagers})`);
  if (wants.sparkWorkers !== has.sparkWorkers)
    differences.push(`--spark-workers ${has.sparkWorkers} (asked ${wants.sparkWorkers})`);
  return differences;
}

/**
 * What makes a combination of job settings impossible, naming the flags and the fix; undefined when they fit.
 * Spark's Real-Time Mode cannot be exactly-once: its writer sees rows one at a time with no batch id to make a
 * replay idempotent, and Spark 4.1 offers no transactional sink for it.
 */
export function jobSettingsProblem(
  jobs: Pick<JobSettings, 'sparkRealtime' | 'delivery'>,
): { message: string; fix: string } | undefined {
  if (jobs.sparkRealtime && jobs.delivery === 'exactly-once') {
    return {
      message:
        '--delivery exactly-once cannot run with --trigger realtime: Spark Real-Time Mode writes rows one at a time, with no batch id to make a replay idempotent',
      fix: 'Use a micro-batch trigger (e.g. --trigger 0) for exactly-once, or --delivery at-least-once with --trigger realtime',
    };
  }
  return undefined;
}

/**
 * What makes a parallelism impossible on a topic of `partitions` partitions, naming the flag and the fix;
 * undefined when it fits. The baseline's consumer threads share one consumer group, and Kafka gives each
 * partition to one consumer of a group: threads beyond the partitions would get none and sit idle, which would
 * measure fewer consumers than the record claims. That is refused rather than warned about. (Flink's and
 * Spark's sources are not held to it: their other operators still use the parallelism.)
 */
export function parallelismProblem(
  jobs: JobSettings,
  partitions: number,
  engines: readonly Engine[],
): { message: string; fix: string } | undefined {
  const threads = parallelismOf(jobs, 'baseline');
  if (!engines.includes('baseline') || threads <= partitions) return undefined;
  return {
    message: `--parallelism baseline=${threads} is more consumer threads than the topic's ${partitions} partitions: Kafka gives each partition to one consumer of the group, so ${threads - partitions} thread(s) would stay idle`,
    fix: `Use at most --parallelism baseline=${partitions}, or --partitions ${threads} or more`,
  };
}

/** Throws a usage error when {@link parallelismProblem} finds one. */
export function assertParallelismFits(
  jobs: JobSettings,
  partitions: number,
  engines: readonly Engine[],
): void {
  const problem = parallelismProblem(jobs, partitions, engines);
  if (problem) throw new UsageError(problem.message, { suggestions: [problem.fix] });
}

/** Throws a usage error when {@link jobSettingsProblem} finds one. */
export function assertJobSettings(jobs: Pick<JobSettings, 'sparkRealtime' | 'delivery'>): void {
  const problem = jobSettingsProblem(jobs);
  if (problem) throw new UsageError(problem.message, { suggestions: [problem.fix] });
}
