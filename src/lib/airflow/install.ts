import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, InfrastructureError, describe } from '../errors.js';
import { isAlive, tailFile } from '../runtime/processes.js';
import { packageRoot } from '../runtime/java.js';
import { AIRFLOW_REQUIREMENT, AIRFLOW_VERSION } from './settings.js';

/** A Python 3 that can make virtual environments. */
export interface Python {
  /** The executable. */
  command: string;
  /** Its version, e.g. `3.11.7`. */
  version: string;
}

/** An installed Airflow. */
export interface AirflowInstall {
  /** The virtual environment. */
  venv: string;
  /** The `airflow` executable in it. */
  airflow: string;
  /** Python that runs it. */
  pythonVersion: string;
  /** Wall time of the install when this call installed it (ms); undefined when it was cached. */
  installMs?: number;
}

/** The committed constraints file: every package of the Airflow install, pinned. */
export function constraintsFile(root = packageRoot()): string {
  return path.join(root, 'airflow', 'constraints.txt');
}

/** The lowest Python Airflow 3 runs on. */
const MIN_PYTHON = [3, 10] as const;

/**
 * Parses `major.minor.patch` and checks it against the lowest Python Airflow supports; a message naming the
 * problem when it is unusable.
 */
export function checkPythonVersion(command: string, version: string): string | undefined {
  const [major, minor] = version.split('.').map(Number);
  if (major === undefined || minor === undefined || Number.isNaN(major) || Number.isNaN(minor)) {
    return `${command} printed no Python version ("${version}")`;
  }
  if (major !== MIN_PYTHON[0] || minor < MIN_PYTHON[1]) {
    return `${command} is Python ${version}; Airflow ${AIRFLOW_VERSION} needs Python ${MIN_PYTHON.join('.')} or newer`;
  }
  return undefined;
}

/**
 * Finds the Python that makes Airflow's virtual environment: `CRYPTO_BENCH_PYTHON`, else `python3`. Fails
 * with the cause when it is missing, too old, or has no `venv` module (Debian ships it apart).
 */
export function findPython(): Python {
  const command = process.env.CRYPTO_BENCH_PYTHON || 'python3';
  const probe = spawnSync(
    command,
    ['-c', 'import sys, venv, ensurepip; print("%d.%d.%d" % sys.version_info[:3])'],
    { encoding: 'utf8' },
  );
  if (probe.error) {
    throw new ConfigError(
      `No Python 3 to install Airflow with: ${command} cannot be run (${probe.error.message})`,
      {
        suggestions: [
          'Install Python 3.10 or newer with its venv module (Debian: apt-get install python3 python3-venv)',
          'or point CRYPTO_BENCH_PYTHON at a python3 executable',
        ],
      },
    );
  }
  if (probe.status !== 0) {
    const missing = /No module named '?(venv|ensurepip)'?/.exec(probe.stderr)?.[1];
    throw new ConfigError(
      missing
        ? `${command} has no ${missing} module, so it cannot make Airflow's virtual environment`
        : `${command} failed: ${probe.stderr.trim().split('\n').slice(-3).join('\n')}`,
      {
        suggestions: [
          'Debian/Ubuntu: apt-get install python3-venv',
          'or point CRYPTO_BENCH_PYTHON at another python3',
        ],
      },
    );
  }
  const version = probe.stdout.trim();
  const problem = checkPythonVersion(command, version);
  if (problem)
    throw new ConfigError(problem, { suggestions: ['Point CRYPTO_BENCH_PYTHON at a newer python3'] });
  return { command, version };
}

/** The cache directory shared by every state directory: CRYPTO_BENCH_CACHE_DIR, else XDG's, else ~/.cache. */
export function cacheRoot(): string {
  if (process.env.CRYPTO_BENCH_CACHE_DIR) return path.resolve(process.env.CRYPTO_BENCH_CACHE_DIR);
  const xdg = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return path.join(xdg, 'crypto-bench');
}

/**
 * Where the virtual environment of this constraints file and Python lives: one per (Airflow version, Python
 * minor version, constraints hash), so a changed constraints file installs afresh and CI caches by the hash.
 */
export function venvDir(constraints: string, pythonVersion: string, root = cacheRoot()): string {
  const hash = createHash('sha256').update(readFileSync(constraints)).digest('hex').slice(0, 12);
  const minor = pythonVersion.split('.').slice(0, 2).join('.');
  return path.join(root, `airflow-${AIRFLOW_VERSION}-py${minor}-${hash}`);
}

/**
 * Makes sure Airflow is installed: reuses the cached virtual environment, or creates it and installs Airflow
 * from PyPI with the committed constraints (several minutes the first time). Concurrent calls wait for one
 * install. A failed install leaves nothing behind and reports pip's last lines.
 */
export async function ensureAirflow(onProgress: (line: string) => void = () => {}): Promise<AirflowInstall> {
  const python = findPython();
  const constraints = constraintsFile();
  const venv = venvDir(constraints, python.version);
  const result = (installMs?: number): AirflowInstall => ({
    venv,
    airflow: path.join(venv, 'bin', 'airflow'),
    pythonVersion: python.version,
    installMs,
  });
  if (existsSync(completeMarker(venv))) return result();
  const lock = `${venv}.lock`;
  if (!(await acquireLock(lock, venv, onProgress))) return result();
  try {
    if (existsSync(completeMarker(venv))) return result();
    const begin = Date.now();
    await install(python, venv, constraints, onProgress);
    const installMs = Date.now() - begin;
    writeFileSync(
      completeMarker(venv),
      `${JSON.stringify({ installedAt: new Date().toISOString(), installMs })}\n`,
    );
    return result(installMs);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function completeMarker(venv: string): string {
  return path.join(venv, '.crypto-bench-complete');
}

/** The install's log file, next to the virtual environment. */
export function installLog(venv: string): string {
  return `${venv}.install.log`;
}

async function install(
  python: Python,
  venv: string,
  constraints: string,
  onProgress: (line: string) => void,
) {
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(path.dirname(venv), { recursive: true });
  const log = installLog(venv);
  rmSync(log, { force: true });
  onProgress(`python ${python.version}: creating ${venv}`);
  await runLogged(python.command, ['-m', 'venv', venv], log, onProgress, 'Creating the virtual environment');
  onProgress(`pip install ${AIRFLOW_REQUIREMENT} -c ${constraints}`);
  await runLogged(
    path.join(venv, 'bin', 'pip'),
    ['install', '--disable-pip-version-check', '--no-input', '-c', constraints, AIRFLOW_REQUIREMENT],
    log,
    onProgress,
    `Installing ${AIRFLOW_REQUIREMENT} from PyPI`,
  ).catch((error: unknown) => {
    rmSync(venv, { recursive: true, force: true });
    throw error;
  });
}

/** Runs a command to its end with its output appended to `log`; fails with the log's last lines. */
export function runLogged(
  command: string,
  args: string[],
  log: string,
  onProgress: (line: string) => void,
  what: string,
  options: { env?: Record<string, string>; cwd?: string; suggestions?: string[] } = {},
) {
  return new Promise<void>((resolve, reject) => {
    mkdirSync(path.dirname(log), { recursive: true });
    const out = createWriteStream(log, { flags: 'a' });
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONPATH: '', ...options.env },
      cwd: options.cwd,
    });
    const forward = (chunk: Buffer) => {
      out.write(chunk);
      const line = chunk.toString().trim().split('\n').pop();
      if (line) onProgress(line.slice(0, 160));
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.once('error', (error) => {
      out.end();
      reject(new InfrastructureError(`${what} failed: ${describe(error)}`));
    });
    child.once('close', (code) => {
      out.end(() => {
        if (code === 0) return resolve();
        reject(
          new InfrastructureError(
            `${what} failed (exit code ${code}). Last lines of ${log}:\n${tailFile(log, 15)}`,
            {
              suggestions: options.suggestions ?? [
                'Check that PyPI (or your PIP_INDEX_URL) can be reached, then run the command again',
                `The whole output is in ${log}`,
              ],
            },
          ),
        );
      });
    });
  });
}

/**
 * Takes the install lock (a directory with the holder's pid), waiting while another live process holds it.
 * False when that other process finished the install meanwhile (the lock is not ours then).
 */
async function acquireLock(lock: string, venv: string, onProgress: (line: string) => void): Promise<boolean> {
  mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, 'pid'), String(process.pid));
      return true;
    } catch {
      const holder = Number(readFileSafe(path.join(lock, 'pid')));
      if (!holder || !isAlive(holder)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (existsSync(completeMarker(venv))) return false;
      if (Date.now() > deadline) {
        throw new InfrastructureError(
          `Another crypto-bench (pid ${holder}) has been installing Airflow for 30 minutes`,
          {
            suggestions: [`Wait for it, or stop it and delete ${lock}`],
          },
        );
      }
      onProgress(`waiting for pid ${holder}, which is installing Airflow into ${venv}`);
      await sleep(2000);
    }
  }
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}
