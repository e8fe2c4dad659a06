import path from 'node:path';

/** The Airflow release crypto-bench installs (Airflow 2 is end of life). */
export const AIRFLOW_VERSION = '3.3.2';

/** What pip installs: Airflow with the PostgreSQL provider (metadata database and the gold DAG's hook). */
export const AIRFLOW_REQUIREMENT = `apache-airflow[postgres]==${AIRFLOW_VERSION}`;

/** The database of the stack's PostgreSQL that holds Airflow's metadata (the original's postgres-airflow-db). */
export const AIRFLOW_DATABASE = 'airflow';

/** Airflow's ports sit this far above the stack's port base (its Kafka port): API server, then log servers. */
export const AIRFLOW_PORT_OFFSET = 90;

/** The Airflow processes crypto-bench runs, in start order; `down` stops them in reverse. */
export const AIRFLOW_PROCESSES = ['dag-processor', 'scheduler', 'api-server'] as const;
/** One supervised Airflow process. */
export type AirflowProcessName = (typeof AIRFLOW_PROCESSES)[number];

/** The DAGs crypto-bench ships, by the short name `airflow trigger` and `--unpause` take. */
export const AIRFLOW_DAGS = { gold: 'crypto_bench_gold', nightly: 'crypto_bench_nightly' } as const;
/** Short name of a shipped DAG. */
export type AirflowDagName = keyof typeof AIRFLOW_DAGS;

/** The user the API and UI log in as (simple auth manager); the password is generated per state directory. */
export const AIRFLOW_USER = 'admin';

/** The ports of one Airflow, all on 127.0.0.1. */
export interface AirflowPorts {
  /** API server and UI (also the execution API the tasks report to). */
  api: number;
  /** Log server of the scheduler's LocalExecutor (serves running tasks' logs to the UI). */
  workerLogs: number;
  /** Log server of a triggerer (none runs; set so that Airflow's default, 8794, is never taken). */
  triggerLogs: number;
}

/** Airflow's ports from the API server's port: the two log servers follow it. */
export function airflowPorts(apiPort: number): AirflowPorts {
  return { api: apiPort, workerLogs: apiPort + 1, triggerLogs: apiPort + 2 };
}

/** Paths of Airflow inside a stack's state directory. */
export function airflowPaths(stateDir: string) {
  const home = path.join(stateDir, 'airflow');
  return {
    /** AIRFLOW_HOME. */
    home,
    stateFile: path.join(home, 'state.json'),
    /** Secrets generated once: password, JWT secret, Fernet key (0600). */
    secretsFile: path.join(home, 'secrets.json'),
    /** The simple auth manager's password file (0600). */
    passwordsFile: path.join(home, 'passwords.json'),
    /** When Airflow was first started for this stack (catch-up of the gold DAG starts there). */
    firstStartFile: path.join(home, 'first-start'),
    /** Airflow's DAG folder: links to the shipped DAGs and to a user's folder. */
    dags: path.join(home, 'dags'),
    /** Process logs (scheduler, DAG processor, API server, db migrate). */
    logs: path.join(home, 'logs'),
    /** Task logs, written by Airflow. */
    taskLogs: path.join(home, 'task-logs'),
  };
}

/** Secrets of one Airflow, generated once per state directory. */
export interface AirflowSecrets {
  /** Password of {@link AIRFLOW_USER}. */
  password: string;
  /** Signs the JWTs the API server and the scheduler's tasks exchange (must be the same in every process). */
  jwtSecret: string;
  /** Signs UI sessions. */
  apiSecretKey: string;
  /** Encrypts connections and variables in the metadata database. */
  fernetKey: string;
}

/** What the environment of the Airflow processes is made from. */
export interface AirflowEnvironmentInput {
  /** AIRFLOW_HOME. */
  home: string;
  /** Airflow's DAG folder. */
  dagsFolder: string;
  /** Task log folder. */
  taskLogs: string;
  /** Ports. */
  ports: AirflowPorts;
  /** Bind address. */
  host: string;
  /** The stack's PostgreSQL: port, user, password, benchmark database. */
  postgres: { port: number; user: string; password: string; database: string };
  /** Generated secrets. */
  secrets: AirflowSecrets;
  /** The simple auth manager's password file. */
  passwordsFile: string;
  /** First start of Airflow for this stack, ISO-8601. */
  firstStartedAt: string;
  /** How the DAGs run crypto-bench: the command and its first arguments (node, bin/run.js). */
  cli: string[];
  /** The stack's state directory, for the nightly DAG's runs. */
  stateDir: string;
  /** Where the nightly DAG's runs are saved. */
  resultsDir: string;
}

/**
 * The environment of every Airflow process: all configuration as AIRFLOW__SECTION__KEY variables (no
 * airflow.cfg to drift), LocalExecutor, metadata in the stack's PostgreSQL, everything on `host`, DAGs paused
 * when first seen, no examples, and the connection and settings the shipped DAGs use.
 */
export function airflowEnvironment(input: AirflowEnvironmentInput): Record<string, string> {
  const { host, ports, postgres, secrets } = input;
  const auth = `${encodeURIComponent(postgres.user)}:${encodeURIComponent(postgres.password)}`;
  const server = `${host}:${postgres.port}`;
  return {
    AIRFLOW_HOME: input.home,
    AIRFLOW__CORE__DAGS_FOLDER: input.dagsFolder,
    AIRFLOW__CORE__EXECUTOR: 'LocalExecutor',
    AIRFLOW__CORE__PARALLELISM: '2',
    AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
    AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION: 'True',
    AIRFLOW__CORE__FERNET_KEY: secrets.fernetKey,
    AIRFLOW__CORE__EXECUTION_API_SERVER_URL: `http://${host}:${ports.api}/execution/`,
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS: `${AIRFLOW_USER}:admin`,
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE: input.passwordsFile,
    AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: `postgresql+psycopg2://${auth}@${server}/${AIRFLOW_DATABASE}`,
    AIRFLOW__API__HOST: host,
    AIRFLOW__API__PORT: String(ports.api),
    AIRFLOW__API__BASE_URL: `http://${host}:${ports.api}`,
    AIRFLOW__API__SECRET_KEY: secrets.apiSecretKey,
    AIRFLOW__API__WORKERS: '1',
    AIRFLOW__API_AUTH__JWT_SECRET: secrets.jwtSecret,
    AIRFLOW__LOGGING__BASE_LOG_FOLDER: input.taskLogs,
    AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT: String(ports.workerLogs),
    AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT: String(ports.triggerLogs),
    AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK: 'False',
    AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL: '30',
    AIRFLOW_CONN_CRYPTO_BENCH_POSTGRES: `postgresql://${auth}@${server}/${postgres.database}`,
    CRYPTO_BENCH_AIRFLOW_START: input.firstStartedAt,
    CRYPTO_BENCH_CLI: JSON.stringify(input.cli),
    CRYPTO_BENCH_STATE_DIR: input.stateDir,
    CRYPTO_BENCH_RESULTS_DIR: input.resultsDir,
    // Airflow's children must not inherit a caller's own Airflow settings or a different Python path.
    PYTHONPATH: '',
    NO_COLOR: '1',
  };
}

/** The DAG id of a short name (`gold`) or a full id; undefined when it is neither. */
export function dagId(name: string): string | undefined {
  if (name in AIRFLOW_DAGS) return AIRFLOW_DAGS[name as AirflowDagName];
  return (Object.values(AIRFLOW_DAGS) as string[]).includes(name) ? name : undefined;
}
