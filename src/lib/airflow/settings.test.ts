import { describe, expect, it } from 'vitest';
import { airflowEnvironment, airflowPorts, dagId, type AirflowEnvironmentInput } from './settings.js';

const input: AirflowEnvironmentInput = {
  home: '/s/airflow',
  dagsFolder: '/s/airflow/dags',
  taskLogs: '/s/airflow/task-logs',
  ports: airflowPorts(19182),
  host: '127.0.0.1',
  postgres: { port: 19094, user: 'cryptobench', password: 'p@ss/word', database: 'cryptobench' },
  secrets: { password: 'pw', jwtSecret: 'jwt', apiSecretKey: 'key', fernetKey: 'fernet=' },
  passwordsFile: '/s/airflow/passwords.json',
  firstStartedAt: '2026-12-01T08:41:00.000Z',
  cli: ['/usr/bin/node', '/app/bin/run.js'],
  stateDir: '/s',
  resultsDir: '/r',
};

describe('Airflow settings', () => {
  it('puts the log servers on the two ports after the API server', () => {
    expect(airflowPorts(20890)).toEqual({ api: 20890, workerLogs: 20891, triggerLogs: 20892 });
  });

  it('runs a LocalExecutor on loopback with its metadata in the airflow database of the stack', () => {
    const env = airflowEnvironment(input);
    expect(env.AIRFLOW__CORE__EXECUTOR).toBe('LocalExecutor');
    expect(env.AIRFLOW__API__HOST).toBe('127.0.0.1');
    expect(env.AIRFLOW__API__PORT).toBe('19182');
    expect(env.AIRFLOW__CORE__EXECUTION_API_SERVER_URL).toBe('http://127.0.0.1:19182/execution/');
    expect(env.AIRFLOW__DATABASE__SQL_ALCHEMY_CONN).toBe(
      'postgresql+psycopg2://cryptobench:p%40ss%2Fword@127.0.0.1:19094/airflow',
    );
    expect(env.AIRFLOW_CONN_CRYPTO_BENCH_POSTGRES).toBe(
      'postgresql://cryptobench:p%40ss%2Fword@127.0.0.1:19094/cryptobench',
    );
  });

  it('starts every DAG paused and loads no examples', () => {
    const env = airflowEnvironment(input);
    expect(env.AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION).toBe('True');
    expect(env.AIRFLOW__CORE__LOAD_EXAMPLES).toBe('False');
  });

  it('gives the DAGs the CLI, the state directory and the first start as JSON and text', () => {
    const env = airflowEnvironment(input);
    expect(JSON.parse(env.CRYPTO_BENCH_CLI as string)).toEqual(['/usr/bin/node', '/app/bin/run.js']);
    expect(env.CRYPTO_BENCH_STATE_DIR).toBe('/s');
    expect(env.CRYPTO_BENCH_AIRFLOW_START).toBe('2026-12-01T08:41:00.000Z');
  });

  it('knows the shipped DAGs by short name and by id, and nothing else', () => {
    expect(dagId('gold')).toBe('crypto_bench_gold');
    expect(dagId('crypto_bench_nightly')).toBe('crypto_bench_nightly');
    expect(dagId('example_bash_operator')).toBeUndefined();
  });
});
