import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULTS } from '../../config/defaults.js';
import type { StackConfig } from '../../config/stack-config.js';
import { ConfigError, UsageError, describe } from '../../errors.js';
import { packageRoot } from '../java.js';
import { YAML_WIDTH, yamlEntry, type YamlNode } from '../../render/yaml.js';
import { imageRecipes } from './images.js';
import { clusterScale, type Unit } from './scale.js';
import {
  BRIDGE_INTERNAL_PORTS,
  containerSpec,
  dockerPlacement,
  flinkProgramArgs,
  unitsOf,
  volumeNames,
  type DockerPlan,
  type Role,
} from './topology.js';

/**
 * The docker runtime's stack as a docker-compose file: every service is built from `containerSpec`, so its
 * command, environment, memory limit, volumes and ports are those `crypto-bench up --runtime docker` uses.
 * What compose adds: the `topic` and `flink-submit` one-shots (the CLI does both over kafkajs and REST), the
 * password as a secret, image builds, healthchecks and start order.
 */

/** What `crypto-bench compose` made. */
export interface ComposeResult {
  /** Absolute path of the file written, or null when it was printed. */
  file: string | null;
  /** Services of the file, in start order. */
  services: string[];
  /** The file's text, when it was printed instead of written. */
  yaml?: string;
}

/** Where the file goes and where its header's commands run. */
export interface ComposeOptions {
  /** File to write; without it the file is printed, as if it lived in `cwd` as docker-compose.yml. */
  output?: string;
  /** Directory the header's commands are run from, and `output` is resolved against. */
  cwd: string;
}

/** Writes (or returns, to print) the compose file of a docker stack config. */
export function composeStack(config: StackConfig, options: ComposeOptions): ComposeResult {
  const file = path.resolve(options.cwd, options.output ?? 'docker-compose.yml');
  const { text, services } = composeFile(config, { file, cwd: options.cwd });
  if (options.output === undefined) return { file: null, services, yaml: text };
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  } catch (error) {
    throw new ConfigError(`Could not write ${file}: ${describe(error)}`, {
      suggestions: ['Pass an --output path in a directory you can write to'],
    });
  }
  return { file, services };
}

/** The compose file's text and services, for a file at `where.file` (paths in it relative to its folder). */
export function composeFile(
  config: StackConfig,
  where: { file: string; cwd: string; root?: string },
): { text: string; services: string[] } {
  const root = where.root ?? packageRoot();
  const plan = composePlan(config);
  const services = composeServices(plan, path.relative(path.dirname(where.file), root) || '.');
  const volumes = Object.values(services).flatMap(
    (service) => (service.volumes as string[] | undefined) ?? [],
  );
  const sections = [
    'name: crypto-bench',
    `services:\n${Object.entries(services)
      .map(([name, service]) => yamlEntry(`${name}:`, service, 2).join('\n'))
      .join('\n\n')}`,
    yamlEntry('secrets:', { 'postgres-password': { file: './postgres.password' } }, 0).join('\n'),
    yamlEntry('volumes:', Object.fromEntries(volumes.map((v) => [v.slice(0, v.indexOf(':')), null])), 0).join(
      '\n',
    ),
  ];
  return {
    text: [header(plan, where, root), ...sections].join('\n\n') + '\n',
    services: Object.keys(services),
  };
}

/**
 * The plan of a compose stack. The ports the cluster processes use among themselves are fixed on a bridge
 * network; on the host network the CLI picks free ones at `up`, which a file cannot, so it takes the two after
 * the stack's highest port. `--cpus` is refused: the CPU budget per engine is the CLI's.
 */
export function composePlan(config: StackConfig): DockerPlan {
  if (Object.keys(config.docker.cpus).length > 0) {
    throw new UsageError(
      '--cpus cannot be expressed in a compose file: the CPU budget per engine needs the CLI',
      {
        suggestions: ['Drop --cpus, or start the stack with `crypto-bench up --runtime docker --cpus ...`'],
      },
    );
  }
  if (config.docker.network !== 'host')
    return { config, id: 'compose', internalPorts: BRIDGE_INTERNAL_PORTS };
  const highest = Math.max(...Object.values(config.ports));
  if (highest + 2 > 65_535) {
    throw new UsageError(
      `--network host needs the two ports after ${highest} for the Spark master and Flink's RPC`,
      {
        suggestions: ['Move the stack down with --port-base'],
      },
    );
  }
  return { config, id: 'compose', internalPorts: { sparkMaster: highest + 1, flinkRpc: highest + 2 } };
}

/** One service of the file: compose's keys, in the order they are written. */
export type ComposeService = Record<string, YamlNode>;

/**
 * Every service, in start order: one per role of the stack, built from its container spec, and the one-shots
 * that create the topic and submit Flink's job. `context` is the build context, relative to the file.
 */
export function composeServices(plan: DockerPlan, context: string): Record<string, ComposeService> {
  const placement = dockerPlacement(plan);
  const host = plan.config.docker.network === 'host';
  const jobDependencies = { postgres: 'service_healthy', topic: 'service_completed_successfully' };
  const services: Record<string, ComposeService> = {};
  const units = unitsOf(plan.config);
  const namesOf = (role: Role) => units.filter((unit) => unit.role === role).map((unit) => unit.name);
  const started = (role: Role) => Object.fromEntries(namesOf(role).map((name) => [name, 'service_started']));
  for (const [index, unit] of units.entries()) {
    const role = unit.role;
    services[unit.name] = roleService(plan, unit, context);
    const lastOfRole = units[index + 1]?.role !== role;
    if (role === 'kafka') {
      services.topic = {
        ...builtElsewhere('jvm', host),
        command: ['kafka-topic', placement.bootstrap],
        depends_on: dependsOn({ kafka: 'service_healthy' }),
      };
    }
    if (role === 'flink-taskmanager' && lastOfRole) {
      const { taskmanagers, slotsPerTaskManager } = clusterScale(plan.config);
      services['flink-submit'] = {
        ...builtElsewhere('jvm', host),
        command: ['flink-submit', ...flinkProgramArgs(plan), '--cluster', 'true'].map(escape),
        environment: {
          FLINK_REST: `http://${host ? DEFAULTS.host : 'flink-jobmanager'}:${placement.flinkUiPort}`,
          // Submitted once every TaskManager has registered, so the job's subtasks spread over all of them.
          FLINK_SLOTS: String(taskmanagers * slotsPerTaskManager),
        },
        depends_on: dependsOn({ ...jobDependencies, ...started('flink-taskmanager') }),
      };
    }
  }
  const after: Partial<Record<Role, Record<string, string>>> = {
    'spark-worker': { 'spark-master': 'service_started' },
    'spark-driver': { ...jobDependencies, ...started('spark-worker') },
    'flink-taskmanager': { 'flink-jobmanager': 'service_started' },
    baseline: jobDependencies,
  };
  for (const [role, conditions] of Object.entries(after))
    for (const name of namesOf(role as Role))
      if (services[name]) services[name].depends_on = dependsOn(conditions);
  return services;
}

/** The service of one container, from the container the docker runtime would create for it. */
function roleService(plan: DockerPlan, unit: Unit, context: string): ComposeService {
  const { role } = unit;
  const spec = containerSpec(plan, role, unit.instance);
  const volumeKeys = Object.fromEntries(
    Object.entries(volumeNames(plan.id)).map(([key, name]) => [name, key]),
  );
  // PostgreSQL and Kafka build the two images; every other service runs the one Kafka built.
  const service: ComposeService =
    role === 'postgres' || role === 'kafka'
      ? { image: imageTag(spec.image), build: build(spec.image, plan, context), init: true }
      : builtElsewhere(spec.image, false);
  if (spec.network.mode === 'host') service.network_mode = 'host';
  if (spec.network.mode === 'container') service.network_mode = `service:${spec.network.role}`;
  service.command = spec.cmd.map(escape);
  if (Object.keys(spec.env).length > 0)
    service.environment = Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, escape(v)]));
  const secrets = spec.binds.map((bind) => {
    // The docker runtime binds only the password file, where compose mounts the secret of the same name.
    if (bind.target !== '/run/secrets/postgres-password')
      throw new Error(`compose cannot mount ${bind.target}`);
    return 'postgres-password';
  });
  if (secrets.length > 0) service.secrets = secrets;
  if (spec.volumes.length > 0)
    service.volumes = spec.volumes.map((volume) => `${volumeKeys[volume.name]}:${volume.target}`);
  if (spec.published.length > 0)
    service.ports = spec.published.map((p) => `${DEFAULTS.host}:${p.hostPort}:${p.containerPort}`);
  service.mem_limit = `${spec.memoryBytes / 2 ** 20}m`;
  service.memswap_limit = `${spec.memoryBytes / 2 ** 20}m`;
  // As the docker runtime's containers: the JVMs get 15 s to stop.
  service.stop_grace_period = '15s';
  const check = healthcheck(plan, role);
  if (check) service.healthcheck = check;
  return service;
}

/** PostgreSQL and Kafka are healthy when they take connections; the jobs wait for that. */
function healthcheck(plan: DockerPlan, role: Role): YamlNode | undefined {
  const placement = dockerPlacement(plan);
  const port = (address: string) => address.slice(address.lastIndexOf(':') + 1);
  const loopback = DEFAULTS.host;
  if (role === 'postgres') {
    const test = ['CMD', 'pg_isready', '-h', loopback, '-p', port(placement.postgres)];
    return {
      test: [...test, '-d', DEFAULTS.database, '-U', DEFAULTS.databaseUser],
      interval: '2s',
      retries: 30,
    };
  }
  if (role === 'kafka') {
    const test = ['CMD', 'bash', '-c', `exec 3<>/dev/tcp/${loopback}/${port(placement.bootstrap)}`];
    return { test, interval: '2s', retries: 60 };
  }
  return undefined;
}

function imageTag(name: 'jvm' | 'postgres'): string {
  return `crypto-bench/${name}:compose`;
}

/** A service of an image another service builds: never pulled (no registry has it). */
function builtElsewhere(image: 'jvm' | 'postgres', host: boolean): ComposeService {
  return {
    image: imageTag(image),
    pull_policy: 'never',
    init: true,
    ...(host ? { network_mode: 'host' } : {}),
  };
}

function build(image: 'jvm' | 'postgres', plan: DockerPlan, context: string): YamlNode {
  return {
    context,
    dockerfile: imageRecipes()[image].dockerfile,
    args: { BASE_IMAGE: `\${BASE_IMAGE:-${plan.config.docker.baseImage}}` },
    // apt-get inside the build reaches the package mirror the way the host does, as under the CLI.
    network: 'host',
  };
}

function dependsOn(conditions: Record<string, string>): YamlNode {
  return Object.fromEntries(
    Object.entries(conditions).map(([service, condition]) => [service, { condition }]),
  );
}

/** Compose interpolates `$`; `$$` is a literal one. */
function escape(value: string): string {
  return value.replaceAll('$', '$$$$');
}

/** The comment at the top: what the file is and the commands to use it. */
function header(plan: DockerPlan, where: { file: string; cwd: string }, root: string): string {
  // Paths as typed in `where.cwd`: relative below it, absolute elsewhere.
  const shown = (target: string) => {
    const relative = path.relative(where.cwd, target);
    return relative.startsWith('..') || path.isAbsolute(relative) ? target : relative || '.';
  };
  const { ports, engines } = plan.config;
  const listed = [
    `Kafka ${ports.kafka}`,
    `PostgreSQL ${ports.postgres}`,
    ...(engines.includes('spark') ? [`Spark UI ${ports.sparkUi}`] : []),
    ...(engines.includes('flink') ? [`Flink UI ${ports.flinkUi}`] : []),
  ].join(', ');
  const { sparkMaster, flinkRpc } = plan.internalPorts;
  const network =
    plan.config.docker.network === 'host'
      ? `The host's network: every process binds 127.0.0.1 (${listed}; Kafka's controller ${ports.kafkaController}, the Spark master ${sparkMaster}, Flink's RPC ${flinkRpc}).`
      : `The stack's own network, with ports published on 127.0.0.1: ${listed}. The Spark master, worker and driver share one network namespace: the Spark job binds its driver to 127.0.0.1, where the executors (in the worker) must reach it.`;
  return [
    ...wrap(
      'The crypto-bench stack for `docker compose`: the containers that `crypto-bench up --runtime docker` starts with the same flags (images, commands, environment, memory limits, volumes, ports), generated from the docker runtime by `crypto-bench compose`; regenerate it rather than edit it. Build the Java jobs, choose the database password, and start it:',
    ),
    '',
    `  ${shown(path.join(root, 'jobs/mvnw'))} -B -f ${shown(path.join(root, 'jobs/pom.xml'))} package -DskipTests`,
    `  openssl rand -hex 16 > ${shown(path.join(path.dirname(where.file), 'postgres.password'))}`,
    `  docker compose -f ${shown(where.file)} up --build -d`,
    '',
    ...wrap(network),
    ...wrap(
      'BASE_IMAGE overrides the base image (Debian or Ubuntu based). `crypto-bench run`, `compare` and `sweep` measure only stacks that `crypto-bench up` started, not this one: use it to run the pipeline by hand.',
    ),
  ]
    .map((line) => `# ${line}`.trimEnd())
    .join('\n');
}

/** Words of `text` in lines of comment width. */
function wrap(text: string): string[] {
  const lines = [''];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (lines[last] === '') lines[last] = word;
    else if (`${lines[last]} ${word}`.length > YAML_WIDTH - 2) lines.push(word);
    else lines[last] = `${lines[last]} ${word}`;
  }
  return lines;
}
