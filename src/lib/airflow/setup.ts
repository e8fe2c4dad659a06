import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULTS } from '../config/defaults.js';
import { connect, readPassword } from '../engines/postgres.js';
import { UsageError } from '../errors.js';
import { packageRoot } from '../runtime/java.js';
import { readState, type StackState } from '../runtime/state.js';
import { goldDdl } from '../engines/schema.js';
import { AirflowClient } from './rest.js';
import {
  AIRFLOW_DATABASE,
  airflowEnvironment,
  airflowPaths,
  type AirflowPorts,
  type AirflowSecrets,
} from './settings.js';
import { readAirflowState } from './state.js';
import type { AirflowUpOptions } from './up.js';

/** What `airflow up` prepares before it starts a process: the database, secrets, environment and DAG folder. */

/** A REST client of the Airflow running for this stack. */
export async function airflowClient(stateDir: string): Promise<AirflowClient> {
  const state = readAirflowState(stateDir);
  if (!state) {
    throw new UsageError(`Airflow is not running for the stack in ${stateDir}`, {
      suggestions: ['Start it with `crypto-bench airflow up`'],
    });
  }
  return new AirflowClient(`http://${state.host}:${state.ports.api}`, readSecrets(stateDir).password);
}

/** The stack's state; Airflow needs a stack (its metadata lives in the stack's PostgreSQL). */
export function requireStack(stateDir: string): StackState {
  const stack = readState(stateDir);
  if (!stack) {
    throw new UsageError(
      `No stack runs in ${stateDir}: Airflow keeps its metadata in the stack's PostgreSQL`,
      {
        suggestions: ['Start the stack first with `crypto-bench up` (same --state-dir)'],
      },
    );
  }
  return stack;
}

/** Creates Airflow's metadata database and the gold_*_airflow tables when missing. */
export async function prepareDatabase(stack: StackState): Promise<void> {
  const admin = await connect(stack.config, 'postgres');
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [AIRFLOW_DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${AIRFLOW_DATABASE}`);
  } finally {
    await admin.end();
  }
  const bench = await connect(stack.config);
  try {
    for (const statement of goldDdl('airflow')) await bench.query(statement);
  } finally {
    await bench.end();
  }
}

/** The environment of Airflow's processes for this stack (writes the first start, secrets and password file once). */
export function environment(
  stack: StackState,
  options: Pick<AirflowUpOptions, 'stateDir' | 'resultsDir'>,
  ports: AirflowPorts,
) {
  const paths = airflowPaths(options.stateDir);
  mkdirSync(paths.logs, { recursive: true });
  if (!existsSync(paths.firstStartFile)) writeFileSync(paths.firstStartFile, `${new Date().toISOString()}\n`);
  const secrets = readSecrets(options.stateDir, true);
  writeFileSync(paths.passwordsFile, JSON.stringify({ admin: secrets.password }), { mode: 0o600 });
  return airflowEnvironment({
    home: paths.home,
    dagsFolder: paths.dags,
    taskLogs: paths.taskLogs,
    ports,
    host: stack.config.host,
    postgres: {
      port: stack.ports.postgres,
      user: DEFAULTS.databaseUser,
      password: readPassword(options.stateDir),
      database: DEFAULTS.database,
    },
    secrets,
    passwordsFile: paths.passwordsFile,
    firstStartedAt: readFileSync(paths.firstStartFile, 'utf8').trim(),
    cli: [process.execPath, path.join(packageRoot(), 'bin', 'run.js')],
    stateDir: options.stateDir,
    resultsDir: options.resultsDir,
  });
}

/** Airflow's secrets for this state directory, generated on first use (0600). */
export function readSecrets(stateDir: string, create = false): AirflowSecrets {
  const file = airflowPaths(stateDir).secretsFile;
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as AirflowSecrets;
  if (!create) {
    throw new UsageError(`Airflow has not been set up in ${stateDir}`, {
      suggestions: ['Run `crypto-bench airflow up`'],
    });
  }
  const secrets: AirflowSecrets = {
    password: randomBytes(12).toString('base64url'),
    jwtSecret: randomBytes(32).toString('base64url'),
    apiSecretKey: randomBytes(32).toString('base64url'),
    fernetKey: randomBytes(32).toString('base64url') + '=',
  };
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

/** Airflow's DAG folder: a link to the DAGs crypto-bench ships, and one to the user's folder when given. */
export function linkDags(dagsFolder: string, extra: string | undefined): void {
  rmSync(dagsFolder, { recursive: true, force: true });
  mkdirSync(dagsFolder, { recursive: true });
  symlinkSync(path.join(packageRoot(), 'airflow', 'dags'), path.join(dagsFolder, 'crypto_bench'));
  if (extra) symlinkSync(path.resolve(extra), path.join(dagsFolder, 'user'));
}
