import { DEFAULTS, type Engine, type ServiceName } from '../../config/defaults.js';
import type { StackConfig } from '../../config/stack-config.js';
import { JOBS, jobArgs, type JobPlacement } from '../../engines/jobs.js';
import { brokerProperties, type BrokerLayout } from '../../engines/kafka.js';
import { serverSettings } from '../../engines/postgres.js';
import { moduleClasspath } from '../java.js';
import { statePaths } from '../state.js';
import { clusterScale, sparkCoresFor, unitsOfRole, type Unit } from './scale.js';

/**
 * The docker runtime's stack as data: which containers, on which network, with which commands, ports, volumes
 * and limits. Pure functions of the stack config, so the layout can be read (and tested) in one place.
 *
 * Host network: every process binds 127.0.0.1 on the stack's own ports, as on the local runtime.
 * Bridge network: the stack's own network; containers reach each other by role name (`kafka`, `postgres`,
 * `flink-jobmanager`), and the ports users open are published on 127.0.0.1 only. The Spark master, worker
 * and driver share one network namespace (like the containers of a pod): the Spark job binds its driver to
 * 127.0.0.1, and executors must reach it there.
 */

/** Where the jars, configs and scripts are inside the JVM image (the repository's layout). */
export const IMAGE_ROOT = '/opt/crypto-bench';
/** Volume of checkpoints and scratch files shared by the Spark and Flink processes. */
export const STATE_MOUNT = '/var/lib/crypto-bench/state';
const KAFKA_MOUNT = '/var/lib/crypto-bench/kafka';
const PGDATA_MOUNT = '/var/lib/crypto-bench/pgdata';
const PASSWORD_PATH = '/run/secrets/postgres-password';
const MIB = 1024 * 1024;

/** Every container a stack can have, in start order. */
export const ROLES = [
  'postgres',
  'kafka',
  'spark-master',
  'spark-worker',
  'flink-jobmanager',
  'flink-taskmanager',
  'spark-driver',
  'baseline',
] as const;
/** What one container runs. */
export type Role = (typeof ROLES)[number];

/** The service each role belongs to: a Spark or Flink cluster process belongs to its engine. */
export const SERVICE_OF: Record<Role, ServiceName> = {
  postgres: 'postgres',
  kafka: 'kafka',
  'spark-master': 'spark',
  'spark-worker': 'spark',
  'spark-driver': 'spark',
  'flink-jobmanager': 'flink',
  'flink-taskmanager': 'flink',
  baseline: 'baseline',
};

/** Memory limit of each container, MiB: the JVM heap plus room for the JVM itself (and Spark's executor). */
const MEMORY_MIB: Record<Role, number> = {
  postgres: 512,
  kafka: 1024,
  'spark-master': 512,
  'spark-worker': 2048,
  'spark-driver': 1280,
  'flink-jobmanager': 1024,
  'flink-taskmanager': 1280,
  baseline: 512,
};

/** Ports the cluster processes use among themselves. */
export interface InternalPorts {
  /** Spark master RPC. */
  sparkMaster: number;
  /** Flink JobManager RPC. */
  flinkRpc: number;
}

/** The fixed internal ports on a bridge network (the host network gets free ports chosen at `up`). */
export const BRIDGE_INTERNAL_PORTS: InternalPorts = { sparkMaster: 7077, flinkRpc: 6123 };

/** The network a container joins. */
export type NetworkSpec =
  { mode: 'host' } | { mode: 'bridge'; name: string; alias: string } | { mode: 'container'; role: Role };

/** One container, ready to be created. */
export interface ContainerSpec {
  /** What it runs. */
  role: Role;
  /** The service it belongs to. */
  service: ServiceName;
  /** The name it goes by: the role, or `<role>-<n>` when the role has several containers. */
  unit: string;
  /** Container name: `cb-<stack id>-<unit>`. */
  name: string;
  /** Which of the stack's images. */
  image: 'jvm' | 'postgres';
  /** Command (the postgres image's entrypoint takes server arguments). */
  cmd: string[];
  /** Environment. */
  env: Record<string, string>;
  /** Ports published on 127.0.0.1 (bridge network only). */
  published: { containerPort: number; hostPort: number }[];
  /** Network. */
  network: NetworkSpec;
  /** Named volumes mounted. */
  volumes: { name: string; target: string }[];
  /** Host files mounted read-only. */
  binds: { source: string; target: string }[];
  /** Memory limit, bytes. */
  memoryBytes: number;
  /** CPU limit of the service in cores, when one was asked for: its containers share it (see cgroups.ts). */
  cpus?: number;
}

/** Where one stack lives on the Docker engine. */
export interface DockerPlan {
  /** The stack's config. */
  config: StackConfig;
  /** Stack id (label value and name prefix). */
  id: string;
  /** Internal ports. */
  internalPorts: InternalPorts;
}

/** Name of a stack's container of a unit (a role, or `<role>-<n>` of a role with several containers). */
export function containerName(id: string, unit: string): string {
  return `cb-${id}-${unit}`;
}

/** Name of a stack's own network. */
export function networkName(id: string): string {
  return `cb-${id}`;
}

/** Names of a stack's volumes: database, Kafka log, checkpoints. */
export function volumeNames(id: string) {
  return { pgdata: `cb-${id}-pgdata`, kafka: `cb-${id}-kafka`, state: `cb-${id}-state` };
}

/** The roles of the services a config runs, in start order. */
export function rolesOf(config: StackConfig): Role[] {
  return ROLES.filter((role) => {
    const service = SERVICE_OF[role];
    return service === 'postgres' || service === 'kafka' || config.engines.includes(service as Engine);
  });
}

/** Every container a config runs, in start order: each role's containers (TaskManagers, workers) together. */
export function unitsOf(config: StackConfig): Unit[] {
  return rolesOf(config).flatMap((role) => unitsOfRole(config, role));
}

/** How the jobs reach Kafka and PostgreSQL, and where their files are, inside the containers. */
export function dockerPlacement(plan: DockerPlan): JobPlacement {
  const { ports } = plan.config;
  const host = plan.config.docker.network === 'host';
  return {
    bootstrap: host ? `${DEFAULTS.host}:${ports.kafka}` : 'kafka:9094',
    postgres: host ? `${DEFAULTS.host}:${ports.postgres}` : 'postgres:5432',
    passwordFile: PASSWORD_PATH,
    stateDir: STATE_MOUNT,
    sparkMaster: `spark://${DEFAULTS.host}:${plan.internalPorts.sparkMaster}`,
    sparkCores: sparkCoresFor(plan.config.jobs),
    sparkUiPort: host ? ports.sparkUi : 4040,
    flinkUiPort: host ? ports.flinkUi : 8081,
  };
}

/** The broker's listeners: on the host network as on the local runtime; on a bridge one inside and outside. */
export function dockerBrokerLayout(plan: DockerPlan): BrokerLayout {
  const { ports } = plan.config;
  if (plan.config.docker.network === 'host') {
    const client = `${DEFAULTS.host}:${ports.kafka}`;
    const controller = `${DEFAULTS.host}:${ports.kafkaController}`;
    return {
      listeners: { PLAINTEXT: client },
      advertised: { PLAINTEXT: client },
      controllerListener: controller,
      controller,
      logDir: KAFKA_MOUNT,
    };
  }
  return {
    listeners: { INTERNAL: '0.0.0.0:9094', EXTERNAL: '0.0.0.0:9092' },
    advertised: { INTERNAL: 'kafka:9094', EXTERNAL: `${DEFAULTS.host}:${ports.kafka}` },
    controllerListener: '0.0.0.0:9093',
    controller: 'kafka:9093',
    logDir: KAFKA_MOUNT,
  };
}

/** The container of one role (the `instance`-th of a role with several, counted from 1). */
export function containerSpec(plan: DockerPlan, role: Role, instance = 1): ContainerSpec {
  const { config, id } = plan;
  const host = config.docker.network === 'host';
  const service = SERVICE_OF[role];
  const volumes = volumeNames(id);
  const unit = unitsOfRole(config, role)[instance - 1];
  if (!unit) throw new Error(`containerSpec: ${role} has no container ${instance}`);
  const spec: ContainerSpec = {
    role,
    service,
    unit: unit.name,
    name: containerName(id, unit.name),
    image: role === 'postgres' ? 'postgres' : 'jvm',
    cmd: [],
    env: {},
    published: [],
    network: host ? { mode: 'host' } : { mode: 'bridge', name: networkName(id), alias: unit.name },
    volumes: [],
    binds: [],
    memoryBytes: MEMORY_MIB[role] * MIB,
    cpus: config.docker.cpus[service],
  };
  const passwordBind = { source: statePaths(config.stateDir).passwordFile, target: PASSWORD_PATH };
  const publish = (containerPort: number, hostPort: number) => {
    if (!host) spec.published.push({ containerPort, hostPort });
  };
  switch (role) {
    case 'postgres':
      spec.cmd = serverSettings(host ? DEFAULTS.host : '*', host ? config.ports.postgres : 5432);
      spec.volumes.push({ name: volumes.pgdata, target: PGDATA_MOUNT });
      spec.binds.push(passwordBind);
      publish(5432, config.ports.postgres);
      break;
    case 'kafka':
      spec.cmd = ['kafka-start'];
      spec.env = {
        KAFKA_PROPERTIES: brokerProperties(dockerBrokerLayout(plan)),
        KAFKA_HEAP_OPTS: `-Xmx${DEFAULTS.heapMb.kafka}m -Xms${DEFAULTS.heapMb.kafka}m`,
      };
      spec.volumes.push({ name: volumes.kafka, target: KAFKA_MOUNT });
      publish(9092, config.ports.kafka);
      break;
    case 'spark-master':
    case 'spark-worker':
    case 'spark-driver':
      Object.assign(spec, sparkContainer(plan, role));
      break;
    case 'flink-jobmanager':
    case 'flink-taskmanager':
      spec.cmd = [
        'flink-start',
        role === 'flink-jobmanager' ? 'jobmanager' : 'taskmanager',
        ...flinkOverrides(plan),
        ...(role === 'flink-taskmanager' ? taskManagerOverrides(plan, unit) : []),
      ];
      spec.volumes.push({ name: volumes.state, target: STATE_MOUNT });
      // The job's main() runs in the JobManager on submission and reads the password there.
      if (role === 'flink-jobmanager') {
        spec.binds.push(passwordBind);
        publish(8081, config.ports.flinkUi);
      }
      break;
    case 'baseline':
      spec.cmd = jobCommand(plan, 'baseline', []);
      spec.binds.push(passwordBind);
      break;
  }
  return spec;
}

/** Spark: the master owns the network namespace the worker and driver share, and publishes the driver's UI. */
function sparkContainer(plan: DockerPlan, role: Role): Partial<ContainerSpec> {
  const host = plan.config.docker.network === 'host';
  const loopback = DEFAULTS.host;
  const lib = `${IMAGE_ROOT}/jobs/spark-job/target/lib/*`;
  const master = `spark://${loopback}:${plan.internalPorts.sparkMaster}`;
  const daemon = (main: string, args: string[]) => [
    'java',
    '-Xmx256m',
    `@${IMAGE_ROOT}/jobs/jvm.options`,
    // A fixed REST submission port would clash between stacks on the host network; nothing uses it.
    '-Dspark.master.rest.enabled=false',
    '-cp',
    lib,
    main,
    ...args,
  ];
  const shared: Partial<ContainerSpec> = host ? {} : { network: { mode: 'container', role: 'spark-master' } };
  const volumes = [{ name: volumeNames(plan.id).state, target: STATE_MOUNT }];
  switch (role) {
    case 'spark-master':
      return {
        cmd: daemon('org.apache.spark.deploy.master.Master', [
          '--host',
          loopback,
          '--port',
          String(plan.internalPorts.sparkMaster),
          '--webui-port',
          '0',
        ]),
        env: { SPARK_LOCAL_IP: loopback },
        published: host ? [] : [{ containerPort: 4040, hostPort: plan.config.ports.sparkUi }],
      };
    case 'spark-worker':
      return {
        ...shared,
        cmd: daemon('org.apache.spark.deploy.worker.Worker', [
          '--host',
          loopback,
          '--port',
          '0',
          '--webui-port',
          '0',
          // One executor per worker (768m: spark.executor.memory) with this worker's share of the cores.
          '--cores',
          String(clusterScale(plan.config).coresPerWorker),
          '--memory',
          '1g',
          master,
        ]),
        env: { SPARK_LOCAL_IP: loopback },
        volumes,
      };
    default:
      return {
        ...shared,
        cmd: jobCommand(plan, 'spark', [
          // Executors run in the worker's container, with the worker's jars ($SPARK_HOME/jars) and the job's.
          `-Dspark.executor.extraClassPath=${IMAGE_ROOT}/jobs/spark-job/target/spark-job.jar`,
          '-Dspark.executor.memory=768m',
          // The cores the job asks for; the master spreads them over the workers, one executor on each.
          `-Dspark.cores.max=${sparkCoresFor(plan.config.jobs)}`,
        ]),
        // On a bridge network the UI must listen beyond loopback to be published; the RPC stays on 127.0.0.1.
        env: host ? { SPARK_LOCAL_IP: loopback } : {},
        volumes,
        binds: [{ source: statePaths(plan.config.stateDir).passwordFile, target: PASSWORD_PATH }],
      };
  }
}

/** The `java` command of a job container: the same classpath, main class and arguments as the local runtime. */
function jobCommand(plan: DockerPlan, engine: 'spark' | 'baseline', jvmProperties: string[]): string[] {
  const job = JOBS[engine];
  const heapMb = engine === 'spark' ? 768 : DEFAULTS.heapMb.baseline;
  return [
    'java',
    `-Xmx${heapMb}m`,
    `@${IMAGE_ROOT}/jobs/jvm.options`,
    `-Djava.io.tmpdir=/tmp`,
    ...jvmProperties,
    '-cp',
    moduleClasspath(job.module, IMAGE_ROOT),
    job.mainClass,
    ...jobArgs(engine, plan.config, dockerPlacement(plan)),
  ];
}

/** The Flink job's arguments, as the JobManager runs its main() on submission. */
export function flinkProgramArgs(plan: DockerPlan): string[] {
  return jobArgs('flink', plan.config, dockerPlacement(plan));
}

/**
 * What sets one TaskManager apart: its slots (scale.ts says how many), a resource id that is its unit name (so
 * the JobManager's REST API says which container runs a subtask, and a restarted container registers as the
 * TaskManager it replaces), and on a bridge network the address the others reach it at.
 */
function taskManagerOverrides(plan: DockerPlan, unit: Unit): string[] {
  const overrides: Record<string, string> = {
    'taskmanager.numberOfTaskSlots': String(clusterScale(plan.config).slotsPerTaskManager),
    'taskmanager.resource-id': unit.name,
  };
  if (plan.config.docker.network !== 'host') overrides['taskmanager.host'] = unit.name;
  return Object.entries(overrides).map(([key, value]) => `-D${key}=${value}`);
}

/**
 * `-D` overrides of the Flink cluster's config.yaml. The file holds the bridge network's addresses (the
 * same as under docker compose); on the host network everything binds 127.0.0.1 on the stack's ports.
 */
function flinkOverrides(plan: DockerPlan): string[] {
  if (plan.config.docker.network !== 'host') return [];
  const loopback = DEFAULTS.host;
  return Object.entries({
    'jobmanager.rpc.address': loopback,
    'jobmanager.rpc.port': String(plan.internalPorts.flinkRpc),
    'jobmanager.bind-host': loopback,
    'rest.address': loopback,
    'rest.bind-address': loopback,
    'rest.port': String(plan.config.ports.flinkUi),
    'taskmanager.host': loopback,
    'taskmanager.bind-host': loopback,
  }).map(([key, value]) => `-D${key}=${value}`);
}
