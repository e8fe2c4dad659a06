import { Flags } from '@oclif/core';
import { UsageError } from '../errors.js';
import { DEFAULTS, DOCKER_NETWORKS, ENGINES, RUNTIMES, type Engine } from './defaults.js';
import { parseCpuLimits, type CpuLimits } from './lists.js';
import { formatDurationMs, parseDurationMs, parseList } from './units.js';

/**
 * Throws a UsageError naming the flag when a parser returned a message instead of a value. A string is always
 * the message, so a parser whose value can itself be a string (a trigger of `realtime`) wraps it: `{ value }`.
 */
export function orFail<T>(flag: string, parsed: T | string): T {
  if (typeof parsed === 'string') throw new UsageError(`--${flag}: ${parsed}`);
  return parsed;
}

/** A duration flag (`15s`, `500ms`, `5m`); bare numbers are read in `bareUnit`. Value in milliseconds. */
export function durationFlag(options: {
  description: string;
  default?: number;
  bareUnit?: 'ms' | 's';
  minMs?: number;
}) {
  return Flags.custom<number>({
    description: options.description,
    default: options.default,
    defaultHelp:
      options.default === undefined ? undefined : async () => formatDurationMs(options.default as number),
    helpValue: '<duration>',
    async parse(input, _context, opts) {
      const parsed = parseDurationMs(input, options.bareUnit);
      const flag = `--${opts.name}`;
      if (typeof parsed === 'string') throw new UsageError(`${flag}: ${parsed}`);
      if (options.minMs !== undefined && parsed < options.minMs) {
        throw new UsageError(`${flag}: ${input} is too short; use at least ${options.minMs}ms`);
      }
      return parsed;
    },
  })();
}

/** `--engines spark,flink,baseline`: a subset of the known engines, in canonical order. */
export const enginesFlag = Flags.custom<Engine[]>({
  description: `Engines to run, comma-separated [default: ${ENGINES.join(',')}]`,
  helpValue: '<list>',
  async parse(input) {
    const items = parseList(input);
    if (typeof items === 'string') throw new UsageError(`--engines: ${items}`);
    const unknown = items.filter((item) => !(ENGINES as readonly string[]).includes(item));
    if (unknown.length > 0) {
      throw new UsageError(
        `--engines: unknown engine "${unknown.join(', ')}"; choose from ${ENGINES.join(', ')}`,
      );
    }
    return ENGINES.filter((engine) => items.includes(engine));
  },
});

/**
 * How many of one kind of container (`--taskmanagers 2`): a whole number from 1 to `max`; returns the message
 * (without the flag name) otherwise.
 */
export function parseCount(input: string, max: number): number | string {
  const text = input.trim();
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max)
    return `"${input}" is not a whole number from 1 to ${max}`;
  return Number(text);
}

/** A flag counting containers of the docker runtime, checked by {@link parseCount}. */
function countFlag(description: string, max: number) {
  return Flags.custom<number>({
    description,
    helpValue: '<n>',
    async parse(input, _context, opts) {
      const parsed = parseCount(input, max);
      if (typeof parsed === 'string')
        throw new UsageError(`--${opts.name}: ${parsed}`, { suggestions: [`e.g. --${opts.name} 2`] });
      return parsed;
    },
  })();
}

/** Most containers of one kind a docker stack starts (a TaskManager or worker takes 1.25-2 GiB). */
export const MAX_CLUSTER_CONTAINERS = 16;

/** A TCP port flag. */
export function portFlag(description: string) {
  return Flags.integer({ description, min: 1, max: 65_535 });
}

/** Flags shared by every command that touches a stack. */
export const stateDirFlag = Flags.string({
  description: 'Directory holding pids, ports, logs and data of the stack',
  default: DEFAULTS.stateDir,
  env: 'CRYPTO_BENCH_STATE_DIR',
});

/** Flags that place and size a stack, shared by `up`, `run` and `sweep`. */
export const stackFlags = {
  'state-dir': stateDirFlag,
  'port-base': Flags.integer({
    description: 'First of five consecutive ports: Kafka, Kafka controller, PostgreSQL, Spark UI, Flink UI',
    default: DEFAULTS.portBase,
    min: 1024,
    max: 65_530,
  }),
  'kafka-port': portFlag('Kafka broker port (overrides --port-base)'),
  'postgres-port': portFlag('PostgreSQL port (overrides --port-base)'),
  'spark-ui-port': portFlag('Spark UI port (overrides --port-base)'),
  'flink-ui-port': portFlag('Flink web UI port (overrides --port-base)'),
  engines: enginesFlag(),
  // No oclif default: "not given" must be told apart, so a running stack keeps its topic (resolved to 3).
  partitions: Flags.integer({
    description: `Partitions of the topic ${DEFAULTS.topic}, created with them [default: ${DEFAULTS.topicPartitions}]`,
    min: 1,
    max: 10_000,
  }),
  // No oclif default: "not given" must be told apart, so a running stack keeps its setting (resolved to on).
  gold: Flags.boolean({
    description:
      'Spark and Flink also compute the 10-minute and hourly gold tables, as the original pipeline did [default: on]',
    allowNo: true,
  }),
  timeout: durationFlag({
    description: 'How long to wait for the stack to become healthy',
    default: DEFAULTS.upTimeoutMs,
    bareUnit: 's',
    minMs: 1000,
  }),
  runtime: Flags.option({
    description:
      'local: supervised child processes; docker: containers on a Docker engine; cluster: the existing services of --cluster FILE',
    options: RUNTIMES,
    default: 'local',
  })(),
  network: Flags.option({
    description: "Docker network: the stack's own bridge network, or the host's [default: bridge]",
    options: DOCKER_NETWORKS,
  })(),
  cpus: Flags.custom<CpuLimits>({
    description:
      'Docker CPU limit per service in cores, e.g. spark=1,flink=1,baseline=1 (each container of the engine)',
    helpValue: '<list>',
    parse: async (input) => orFail('cpus', parseCpuLimits(input)),
  })(),
  // No oclif default: a runtime that cannot use them refuses them only when given.
  taskmanagers: countFlag(
    'Flink TaskManager containers of the docker runtime; the slots of each fit --parallelism flink=N [default: 1]',
    MAX_CLUSTER_CONTAINERS,
  ),
  'spark-workers': countFlag(
    "Spark worker containers of the docker runtime; Spark's executors spread over them [default: 1]",
    MAX_CLUSTER_CONTAINERS,
  ),
  cluster: Flags.string({
    description:
      'Cluster file (YAML) naming the existing Kafka, PostgreSQL, Flink and Spark of --runtime cluster',
    helpValue: '<file>',
  }),
  'base-image': Flags.string({
    description: `Base image of the Docker images (Debian or Ubuntu based) [default: ${DEFAULTS.baseImage}]`,
    env: 'CRYPTO_BENCH_BASE_IMAGE',
  }),
};
