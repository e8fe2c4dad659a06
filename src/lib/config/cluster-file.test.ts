import { describe, expect, it } from 'vitest';
import { parseClusterFile } from './cluster-file.js';

const minimal = `
kafka:
  bootstrap: 127.0.0.11:9092,127.0.0.12:9092
postgres:
  url: postgresql://bench@127.0.0.14:5432/cryptobench
  passwordFile: /var/tmp/pw
`;

const parse = (text: string, env: NodeJS.ProcessEnv = {}) => parseClusterFile(text, 'cluster.yaml', env);
const problem = (text: string, env: NodeJS.ProcessEnv = {}) => {
  try {
    parse(text, env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the cluster file to be refused');
};

describe('the cluster file', () => {
  it('reads a minimal file with the topic defaults and no engine services', () => {
    const spec = parse(minimal);
    expect(spec.kafka.bootstrap).toEqual(['127.0.0.11:9092', '127.0.0.12:9092']);
    expect(spec.kafka.topic).toEqual({
      name: 'crypto_prices',
      partitions: 3,
      replicationFactor: 1,
      create: true,
    });
    expect(spec.postgres).toEqual({
      host: '127.0.0.14',
      port: 5432,
      database: 'cryptobench',
      user: 'bench',
      password: { file: '/var/tmp/pw' },
    });
    expect(spec.flink).toBeUndefined();
    expect(spec.spark).toBeUndefined();
  });

  it('passes Kafka client properties through as strings, SASL included', () => {
    const spec = parse(
      `${minimal}
flink: { rest: "http://127.0.0.11:8081/" }
spark: { master: "spark://127.0.0.11:7077", masterUi: "http://127.0.0.11:8080", executorCores: 1, executorMemory: 512m }
`.replace(
        'kafka:\n',
        `kafka:
  properties:
    security.protocol: SASL_PLAINTEXT
    sasl.mechanism: PLAIN
    sasl.jaas.config: org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";
    request.timeout.ms: 30000
  topic: { name: bench, partitions: 6, replicationFactor: 3 }
`,
      ),
    );
    expect(spec.kafka.properties['security.protocol']).toBe('SASL_PLAINTEXT');
    expect(spec.kafka.properties['request.timeout.ms']).toBe('30000');
    expect(spec.kafka.topic).toMatchObject({ name: 'bench', partitions: 6, replicationFactor: 3 });
    expect(spec.flink?.rest).toBe('http://127.0.0.11:8081');
    expect(spec.spark).toMatchObject({ executorCores: 1, executorMemory: '512m', driverHost: '127.0.0.1' });
  });

  it('refuses an unknown key, naming it and the keys its section takes', () => {
    expect(problem(`${minimal}\nflink: { rest: "http://h:8081", slots: 4 }`)).toMatch(
      /flink\.slots is not a known key; flink takes rest/,
    );
    expect(problem(`${minimal}\nzookeeper: x`)).toMatch(/zookeeper is not a known key/);
  });

  it('refuses a missing service, a wrong type and a bad address, naming the key', () => {
    expect(problem('kafka: { bootstrap: "h:1" }')).toMatch(/postgres is missing/);
    expect(problem(minimal.replace('127.0.0.12:9092', '127.0.0.12'))).toMatch(
      /kafka.bootstrap must be host:port/,
    );
    expect(problem(`${minimal.replace('bootstrap:', 'topic: { partitions: "six" }\n  bootstrap:')}`)).toMatch(
      /kafka.topic.partitions must be an integer from 1/,
    );
    expect(problem(`${minimal}\nspark: { master: "yarn" }`)).toMatch(
      /spark.master must be spark:\/\/host:port or k8s/,
    );
  });

  it('takes the password from a file or a variable, never from the URL', () => {
    const env = parse(minimal.replace('passwordFile: /var/tmp/pw', 'passwordEnv: BENCH_PW'), {
      BENCH_PW: 'x',
    });
    expect(env.postgres.password).toEqual({ env: 'BENCH_PW' });
    expect(problem(minimal.replace('passwordFile: /var/tmp/pw', 'passwordEnv: BENCH_PW'))).toMatch(
      /names BENCH_PW, which is not set/,
    );
    expect(problem(minimal.replace('bench@', 'bench:secret@'))).toMatch(/must not hold the password/);
  });

  it('refuses text that is not YAML', () => {
    expect(problem('kafka: [unclosed')).toMatch(/is not valid YAML/);
  });
});
