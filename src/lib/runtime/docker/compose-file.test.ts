import { describe, expect, it } from 'vitest';
import { resolveStackConfig, type StackFlagValues } from '../../config/stack-config.js';
import { UsageError } from '../../errors.js';
import { composeFile, composePlan, composeServices } from './compose-file.js';
import { containerSpec, rolesOf } from './topology.js';

const config = (flags: StackFlagValues = {}) => resolveStackConfig({ runtime: 'docker', ...flags }, '/work');
const servicesOf = (flags: StackFlagValues = {}) => {
  const plan = composePlan(config(flags));
  return { plan, services: composeServices(plan, '..') };
};

describe('crypto-bench compose', () => {
  it('runs every role with the command, environment, memory limit, volumes and ports of its docker container', () => {
    const { plan, services } = servicesOf();
    for (const role of rolesOf(plan.config)) {
      const spec = containerSpec(plan, role);
      const service = services[role] ?? {};
      expect(service.command, role).toEqual(spec.cmd);
      expect(service.environment ?? {}, role).toEqual(spec.env);
      expect(service.mem_limit, role).toBe(`${spec.memoryBytes / 2 ** 20}m`);
      expect(service.volumes ?? [], role).toEqual(
        spec.volumes.map((v) => `${v.name.replace('cb-compose-', '')}:${v.target}`),
      );
      expect(service.ports ?? [], role).toEqual(
        spec.published.map((p) => `127.0.0.1:${p.hostPort}:${p.containerPort}`),
      );
    }
  });

  it('creates the topic and submits the Flink job with one-shot services, after what they need', () => {
    const { services } = servicesOf();
    expect(Object.keys(services)).toEqual([
      'postgres',
      'kafka',
      'topic',
      'spark-master',
      'spark-worker',
      'flink-jobmanager',
      'flink-taskmanager',
      'flink-submit',
      'spark-driver',
      'baseline',
    ]);
    expect(services.topic?.command).toEqual(['kafka-topic', 'kafka:9094']);
    expect(services.topic?.depends_on).toEqual({ kafka: { condition: 'service_healthy' } });
    expect(services['flink-submit']?.environment).toEqual({
      FLINK_REST: 'http://flink-jobmanager:8081',
      FLINK_SLOTS: '1',
    });
    expect(services['flink-submit']?.command).toEqual(expect.arrayContaining(['--cluster', 'true']));
    expect(services['spark-driver']?.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      topic: { condition: 'service_completed_successfully' },
      'spark-worker': { condition: 'service_started' },
    });
  });

  it('has a service per TaskManager and worker, and starts the jobs after all of them', () => {
    const { services } = servicesOf({ taskmanagers: 2, 'spark-workers': 2 });
    expect(Object.keys(services)).toEqual([
      'postgres',
      'kafka',
      'topic',
      'spark-master',
      'spark-worker-1',
      'spark-worker-2',
      'flink-jobmanager',
      'flink-taskmanager-1',
      'flink-taskmanager-2',
      'flink-submit',
      'spark-driver',
      'baseline',
    ]);
    expect(services['spark-worker-2']?.network_mode).toBe('service:spark-master');
    expect(services['flink-taskmanager-2']?.depends_on).toEqual({
      'flink-jobmanager': { condition: 'service_started' },
    });
    expect(services['spark-driver']?.depends_on).toMatchObject({
      'spark-worker-1': { condition: 'service_started' },
      'spark-worker-2': { condition: 'service_started' },
    });
    expect(services['flink-submit']?.depends_on).toMatchObject({
      'flink-taskmanager-1': { condition: 'service_started' },
      'flink-taskmanager-2': { condition: 'service_started' },
    });
    expect(services['flink-submit']?.environment).toMatchObject({ FLINK_SLOTS: '2' });
  });

  it('puts the Spark worker and driver in the network namespace of the master on a bridge network', () => {
    const { services } = servicesOf();
    expect(services['spark-worker']?.network_mode).toBe('service:spark-master');
    expect(services['spark-driver']?.network_mode).toBe('service:spark-master');
    expect(services['spark-master']?.network_mode).toBeUndefined();
  });

  it("runs everything on the host's network, publishing nothing, with the two ports after the stack's for the clusters", () => {
    const { plan, services } = servicesOf({ network: 'host', 'port-base': 26092 });
    expect(plan.internalPorts).toEqual({ sparkMaster: 26097, flinkRpc: 26098 });
    for (const [name, service] of Object.entries(services)) {
      expect(service.network_mode, name).toBe('host');
      expect(service.ports, name).toBeUndefined();
    }
    expect(services.topic?.command).toEqual(['kafka-topic', '127.0.0.1:26092']);
    expect(services['flink-submit']?.environment).toEqual({
      FLINK_REST: 'http://127.0.0.1:26096',
      FLINK_SLOTS: '1',
    });
    expect(services['spark-driver']?.command).toEqual(
      expect.arrayContaining(['--master', 'spark://127.0.0.1:26097']),
    );
    expect(JSON.stringify(services.postgres?.healthcheck)).toContain('"-p","26094"');
    expect(JSON.stringify(services.kafka?.healthcheck)).toContain('/dev/tcp/127.0.0.1/26092');
  });

  it('starts only the services of the engines asked for, and passes job settings such as --no-gold on', () => {
    const { services } = servicesOf({ engines: ['flink', 'baseline'], gold: false });
    expect(Object.keys(services)).toEqual([
      'postgres',
      'kafka',
      'topic',
      'flink-jobmanager',
      'flink-taskmanager',
      'flink-submit',
      'baseline',
    ]);
    expect(services['flink-submit']?.command).toEqual(expect.arrayContaining(['--gold', 'false']));
  });

  it('builds each image in one service, which the others run without pulling', () => {
    const { services } = servicesOf({ 'base-image': 'debian:bookworm' });
    const builders = Object.entries(services).filter(([, service]) => service.build);
    expect(builders.map(([name]) => name)).toEqual(['postgres', 'kafka']);
    expect(services.kafka?.build).toEqual({
      context: '..',
      dockerfile: 'compose/jvm.Dockerfile',
      args: { BASE_IMAGE: '${BASE_IMAGE:-debian:bookworm}' },
      network: 'host',
    });
    for (const [name, service] of Object.entries(services).filter(([, s]) => !s.build)) {
      expect(service.image, name).toBe('crypto-bench/jvm:compose');
      expect(service.pull_policy, name).toBe('never');
    }
  });

  it('mounts the password as a secret next to the file, and tells how to use the file from where it was made', () => {
    const { text } = composeFile(config(), {
      file: '/work/crypto-bench/compose/docker-compose.yml',
      cwd: '/work/crypto-bench',
      root: '/work/crypto-bench',
    });
    expect(text).toContain('secrets:\n  postgres-password:\n    file: ./postgres.password\n');
    expect(text).toContain('      context: ..\n');
    expect(text).toContain('#   jobs/mvnw -B -f jobs/pom.xml package -DskipTests\n');
    expect(text).toContain('#   openssl rand -hex 16 > compose/postgres.password\n');
    expect(text).toContain('#   docker compose -f compose/docker-compose.yml up --build -d\n');
    expect(text.replaceAll('\n# ', ' ')).toContain(
      '`crypto-bench run`, `compare` and `sweep` measure only stacks that `crypto-bench up` started, not this one',
    );
    const elsewhere = composeFile(config(), {
      file: '/tmp/x/docker-compose.yml',
      cwd: '/tmp',
      root: '/work/cb',
    });
    expect(elsewhere.text).toContain('      context: ../../work/cb\n');
    expect(elsewhere.text).toContain(
      '#   /work/cb/jobs/mvnw -B -f /work/cb/jobs/pom.xml package -DskipTests\n',
    );
    expect(elsewhere.text).toContain('#   openssl rand -hex 16 > x/postgres.password\n');
  });

  it('quotes what YAML would read as another type or an indicator, and writes multi-line values as blocks', () => {
    const { text } = composeFile(config(), { file: '/r/compose/docker-compose.yml', cwd: '/r', root: '/r' });
    expect(text).toContain("      - '@/opt/crypto-bench/jobs/jvm.options'\n");
    expect(text).toContain("    ports: ['127.0.0.1:19094:5432']\n");
    expect(text).toContain("      - '5432'\n");
    expect(text).toContain("      - 'true'\n");
    expect(text).toContain("        BASE_IMAGE: '${BASE_IMAGE:-eclipse-temurin:17-jre}'\n");
    expect(text).toContain('      KAFKA_PROPERTIES: |\n        process.roles=broker,controller\n');
    expect(text).toMatch(
      /\n {8}auto\.create\.topics\.enable=false\n {6}KAFKA_HEAP_OPTS: '-Xmx512m -Xms512m'\n/,
    );
  });

  it('refuses --cpus, and a host-network stack without room for its two cluster ports', () => {
    expect(() => composePlan(config({ cpus: { spark: 1 } }))).toThrow(UsageError);
    expect(() => composePlan(config({ cpus: { spark: 1 } }))).toThrow(/--cpus/);
    expect(() => composePlan(config({ network: 'host', 'port-base': 65_530 }))).toThrow(/--port-base|65534/);
    expect(() => composePlan(config({ network: 'host', 'port-base': 65_529 }))).not.toThrow();
  });
});
