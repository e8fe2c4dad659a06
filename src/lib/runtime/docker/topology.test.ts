import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../config/defaults.js';
import { resolveStackConfig, type StackFlagValues } from '../../config/stack-config.js';
import { BROKER_LOG4J, brokerProperties } from '../../engines/kafka.js';
import { engineDdl } from '../../engines/schema.js';
import { packageRoot } from '../java.js';
import { stackId } from './client.js';
import { composeFile } from './compose-file.js';
import {
  BRIDGE_INTERNAL_PORTS,
  containerSpec,
  dockerBrokerLayout,
  dockerPlacement,
  rolesOf,
  unitsOf,
  type DockerPlan,
} from './topology.js';

function plan(flags: StackFlagValues, internalPorts = BRIDGE_INTERNAL_PORTS): DockerPlan {
  const config = resolveStackConfig({ runtime: 'docker', 'state-dir': '/var/tmp/cb', ...flags }, '/work');
  return { config, id: 'abc123', internalPorts };
}

const compose = (file: string) => readFileSync(path.join(packageRoot(), 'compose', file), 'utf8');

describe('the docker topology', () => {
  it('runs every process on the host network bound to 127.0.0.1, on the stack ports, publishing nothing', () => {
    const host = plan({ network: 'host', 'port-base': 25092 }, { sparkMaster: 41000, flinkRpc: 41001 });
    const specs = rolesOf(host.config).map((role) => containerSpec(host, role));
    for (const spec of specs) {
      expect(spec.network, spec.role).toEqual({ mode: 'host' });
      expect(spec.published, spec.role).toEqual([]);
    }
    const postgres = specs.find((s) => s.role === 'postgres');
    expect(postgres?.cmd).toEqual(expect.arrayContaining(['-p', '25094', 'listen_addresses=127.0.0.1']));
    const kafka = specs.find((s) => s.role === 'kafka')?.env.KAFKA_PROPERTIES ?? '';
    expect(kafka).toContain('listeners=PLAINTEXT://127.0.0.1:25092,CONTROLLER://127.0.0.1:25093\n');
    expect(specs.find((s) => s.role === 'flink-jobmanager')?.cmd).toEqual(
      expect.arrayContaining([
        '-Drest.bind-address=127.0.0.1',
        '-Drest.port=25096',
        '-Djobmanager.rpc.port=41001',
      ]),
    );
    expect(specs.find((s) => s.role === 'spark-master')?.cmd).toEqual(
      expect.arrayContaining(['--host', '127.0.0.1', '--port', '41000']),
    );
    expect(dockerPlacement(host)).toMatchObject({
      bootstrap: '127.0.0.1:25092',
      postgres: '127.0.0.1:25094',
    });
  });

  it('publishes only the ports users open on a bridge network, on 127.0.0.1, and joins containers by role name', () => {
    const bridge = plan({});
    const published = rolesOf(bridge.config).flatMap((role) =>
      containerSpec(bridge, role).published.map((p) => `${role} ${p.hostPort}->${p.containerPort}`),
    );
    expect(published).toEqual([
      'postgres 19094->5432',
      'kafka 19092->9092',
      'spark-master 19095->4040',
      'flink-jobmanager 19096->8081',
    ]);
    expect(containerSpec(bridge, 'kafka').network).toEqual({
      mode: 'bridge',
      name: 'cb-abc123',
      alias: 'kafka',
    });
    expect(dockerPlacement(bridge)).toMatchObject({ bootstrap: 'kafka:9094', postgres: 'postgres:5432' });
    expect(dockerBrokerLayout(bridge).advertised).toEqual({
      INTERNAL: 'kafka:9094',
      EXTERNAL: '127.0.0.1:19092',
    });
  });

  it('puts the Spark worker and driver in the network namespace of the master, where the driver binds 127.0.0.1', () => {
    const bridge = plan({});
    for (const role of ['spark-worker', 'spark-driver'] as const)
      expect(containerSpec(bridge, role).network).toEqual({ mode: 'container', role: 'spark-master' });
    expect(containerSpec(bridge, 'spark-driver').cmd).toEqual(
      expect.arrayContaining(['--master', 'spark://127.0.0.1:7077']),
    );
  });

  it("marks every container of an engine with the engine's CPU limit, which they share, and gives each a memory limit", () => {
    const limited = plan({ cpus: { spark: 1, flink: 1.5 } });
    const cpus = Object.fromEntries(
      rolesOf(limited.config).map((role) => [role, containerSpec(limited, role).cpus]),
    );
    expect(cpus).toEqual({
      postgres: undefined,
      kafka: undefined,
      'spark-master': 1,
      'spark-worker': 1,
      'flink-jobmanager': 1.5,
      'flink-taskmanager': 1.5,
      'spark-driver': 1,
      baseline: undefined,
    });
    for (const role of rolesOf(limited.config))
      expect(containerSpec(limited, role).memoryBytes, role).toBeGreaterThan(256 * 2 ** 20);
  });

  it('starts only the clusters of the engines asked for', () => {
    expect(rolesOf(plan({ engines: ['flink', 'baseline'] }).config)).toEqual([
      'postgres',
      'kafka',
      'flink-jobmanager',
      'flink-taskmanager',
      'baseline',
    ]);
  });

  it("starts as many TaskManagers and workers as asked, numbered, each under its engine's CPU limit", () => {
    const scaled = plan({
      network: 'host',
      taskmanagers: 2,
      'spark-workers': 2,
      cpus: { spark: 1, flink: 1 },
    });
    scaled.config.jobs.parallelism = { spark: 3, flink: 3, baseline: 1 };
    const units = unitsOf(scaled.config);
    expect(units.map((u) => u.name)).toEqual([
      'postgres',
      'kafka',
      'spark-master',
      'spark-worker-1',
      'spark-worker-2',
      'flink-jobmanager',
      'flink-taskmanager-1',
      'flink-taskmanager-2',
      'spark-driver',
      'baseline',
    ]);
    const specs = units.map((u) => containerSpec(scaled, u.role, u.instance));
    const tm = specs.filter((s) => s.role === 'flink-taskmanager');
    expect(tm.map((s) => s.name)).toEqual(['cb-abc123-flink-taskmanager-1', 'cb-abc123-flink-taskmanager-2']);
    // Parallelism 3 on 2 TaskManagers: 2 slots each; each TaskManager's resource id is its own name.
    expect(tm[1]?.cmd).toEqual(
      expect.arrayContaining([
        '-Dtaskmanager.numberOfTaskSlots=2',
        '-Dtaskmanager.resource-id=flink-taskmanager-2',
      ]),
    );
    const workers = specs.filter((s) => s.role === 'spark-worker');
    for (const worker of workers) expect(worker.cmd.join(' ')).toContain('--cores 2 --memory 1g');
    expect(specs.find((s) => s.role === 'spark-driver')?.cmd).toEqual(
      expect.arrayContaining(['-Dspark.cores.max=3', '--shuffle-partitions', '3']),
    );
    for (const spec of specs.filter((s) => s.service === 'spark' || s.service === 'flink'))
      expect(spec.cpus, spec.name).toBe(1);
  });

  it('gives each TaskManager on a bridge network its own name to be reached at', () => {
    const bridge = plan({ taskmanagers: 2 });
    const second = containerSpec(bridge, 'flink-taskmanager', 2);
    expect(second.network).toEqual({ mode: 'bridge', name: 'cb-abc123', alias: 'flink-taskmanager-2' });
    expect(second.cmd).toEqual(expect.arrayContaining(['-Dtaskmanager.host=flink-taskmanager-2']));
    expect(containerSpec(plan({}), 'flink-taskmanager').cmd).toEqual([
      'flink-start',
      'taskmanager',
      '-Dtaskmanager.numberOfTaskSlots=1',
      '-Dtaskmanager.resource-id=flink-taskmanager',
      '-Dtaskmanager.host=flink-taskmanager',
    ]);
  });

  it('names every object after a stack id that is stable and differs between state directories', () => {
    expect(stackId('/var/tmp/a')).toBe(stackId('/var/tmp/a'));
    expect(stackId('/var/tmp/a')).not.toBe(stackId('/var/tmp/b'));
    expect(containerSpec(plan({}), 'flink-taskmanager').name).toBe('cb-abc123-flink-taskmanager');
  });
});

describe('compose/ for docker compose users', () => {
  const bridge = plan({});

  it('holds the docker-compose.yml that `crypto-bench compose` writes for the defaults', () => {
    const root = packageRoot();
    const file = path.join(root, 'compose', 'docker-compose.yml');
    const generated = composeFile(resolveStackConfig({ runtime: 'docker' }), { file, cwd: root }).text;
    expect(
      compose('docker-compose.yml'),
      'compose/docker-compose.yml is out of date: regenerate it with `./bin/run.js compose --output compose/docker-compose.yml` in the repository root (after `npm run build`)',
    ).toBe(generated);
  });

  it("holds the broker's properties, its logging and every engine's tables as the CLI writes them", () => {
    expect(compose('config/kafka/server.properties')).toBe(brokerProperties(dockerBrokerLayout(bridge)));
    expect(compose('config/kafka/log4j2.properties')).toBe(BROKER_LOG4J);
    const statements = ENGINES.flatMap((engine) => engineDdl(engine)).map((sql) => `${sql};`);
    expect(compose('config/postgres/schema.sql')).toContain(statements.join('\n\n'));
  });
});
