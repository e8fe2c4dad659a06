import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SERVICES, type ServiceName } from '../../config/defaults.js';
import type { StackConfig } from '../../config/stack-config.js';
import { InfrastructureError } from '../../errors.js';
import { partitionsOf } from '../../config/stack-config.js';
import { connectAdmin, ensureTopic, prepareBroker } from '../../engines/kafka.js';
import {
  applyDdl,
  ensureDatabase,
  findPostgres,
  initPostgres,
  postgresProcess,
  postgresUser,
} from '../../engines/postgres.js';
import { engineDdl } from '../../engines/schema.js';
import { taskList, type ProgressOptions } from '../../render/progress.js';
import { buildJobsTask, checkJavaTask } from '../java-tasks.js';
import { jarVersion, type JavaRuntime } from '../java.js';
import { assertPortsFree } from '../ports.js';
import { isOurs, stopGroup, tailFile, type ProcessSpec } from '../processes.js';
import { assertServiceAlive, launchJobs, launchService, waitUntilLocalJobsConsume } from './jobs.js';
import { clearState, readState, STATE_SCHEMA_VERSION, writeState, type StackState } from '../state.js';
import { stackStatus } from './status.js';
import type { UpResult } from '../types.js';

interface UpContext {
  java?: JavaRuntime;
  state: StackState;
  buildMs?: number;
}

/**
 * Starts the local stack as supervised child processes that outlive the CLI: PostgreSQL, Kafka (KRaft) and
 * the engines' jobs; creates the topic and tables; waits until every job commits a probe from every
 * partition. On any failure it stops what it started and reports the cause.
 */
export async function upLocal(config: StackConfig, progress: ProgressOptions): Promise<UpResult> {
  const startedAt = Date.now();
  const clearedStale = await checkExisting(config);
  if (clearedStale === 'running') {
    return { ...(await stackStatus(config.stateDir)), alreadyRunning: true, upMs: 0, clearedStale: [] };
  }
  mkdirSync(path.join(config.stateDir, 'tmp'), { recursive: true });
  const ctx: UpContext = {
    state: {
      schemaVersion: STATE_SCHEMA_VERSION,
      runtime: 'local',
      startedAt: new Date(startedAt).toISOString(),
      ports: config.ports,
      config,
      services: {},
    },
  };
  const tasks = taskList<UpContext>(
    [
      checkJavaTask(),
      { title: 'Check ports', task: () => assertPortsFree(wantedPorts(config), config.host) },
      buildJobsTask(config.stateDir),
      { title: 'Start PostgreSQL', task: (c, task) => startPostgres(config, c, task) },
      { title: 'Start Kafka', task: (c, task) => startKafka(config, c, task) },
      {
        title: 'Create tables',
        task: () =>
          applyDdl(
            config,
            config.engines.flatMap((engine) => engineDdl(engine)),
          ),
      },
      {
        title: `Start jobs: ${config.engines.join(', ')}`,
        task: (c) => launchJobs(c.state, config.engines, c.java as JavaRuntime),
      },
      {
        title: 'Wait until every job consumes and commits',
        task: (c, task) =>
          waitUntilLocalJobsConsume(c.state, config.engines, startedAt + config.upTimeoutMs, (line) => {
            if (task.output !== line) task.output = line;
          }),
      },
    ],
    progress,
  );
  try {
    await tasks.run(ctx);
  } catch (error) {
    await stopStarted(ctx.state);
    clearState(config.stateDir);
    throw error;
  }
  const status = await stackStatus(config.stateDir);
  return {
    ...status,
    alreadyRunning: false,
    upMs: Date.now() - startedAt,
    buildMs: ctx.buildMs,
    clearedStale,
  };
}

/** 'running' when the stack is already fully up; otherwise the names of dead services whose state was cleared. */
async function checkExisting(config: StackConfig): Promise<string[] | 'running'> {
  const existing = readState(config.stateDir);
  if (!existing) return [];
  const records = Object.values(existing.services);
  const alive = records.filter((record) => isOurs(record.pid, config.stateDir));
  if (alive.length > 0 && alive.length === records.length) return 'running';
  if (alive.length > 0) {
    const dead = records.filter((record) => !alive.includes(record)).map((record) => record.name);
    throw new InfrastructureError(
      `A stack is partly running in ${config.stateDir}: ${dead.join(', ')} died`,
      {
        suggestions: ['Run `crypto-bench down` first (it stops what is left), then `crypto-bench up`'],
      },
    );
  }
  clearState(config.stateDir);
  return records.map((record) => record.name);
}

function wantedPorts(config: StackConfig): Record<string, number> {
  const ports: Record<string, number> = {
    kafka: config.ports.kafka,
    'kafka controller': config.ports.kafkaController,
    postgres: config.ports.postgres,
  };
  if (config.engines.includes('spark')) ports['spark UI'] = config.ports.sparkUi;
  if (config.engines.includes('flink')) ports['flink UI'] = config.ports.flinkUi;
  return ports;
}

function launch(
  ctx: UpContext,
  name: ServiceName,
  spec: ProcessSpec,
  extra: { port?: number; uiPort?: number; version?: string },
): Promise<void> {
  return launchService(ctx.state, name, spec, extra);
}

/** The part of a listr2 task a step updates: its title and its current output line. */
interface Task {
  title: string;
  output: string;
}

async function startPostgres(config: StackConfig, ctx: UpContext, task: Task): Promise<void> {
  const user = postgresUser();
  const binaries = await findPostgres(user);
  initPostgres(config.stateDir, binaries, user);
  await launch(ctx, 'postgres', postgresProcess(config, binaries, user), { port: config.ports.postgres });
  const version = await waitUntil(ctx, 'postgres', 30_000, async () => {
    try {
      return await ensureDatabase(config);
    } catch {
      return undefined;
    }
  });
  setVersion(ctx, 'postgres', version);
  task.title = `PostgreSQL ${version} (${binaries.source}) on ${config.host}:${config.ports.postgres}`;
}

async function startKafka(config: StackConfig, ctx: UpContext, task: Task): Promise<void> {
  const spec = await prepareBroker(config, ctx.java as JavaRuntime);
  await launch(ctx, 'kafka', spec, {
    port: config.ports.kafka,
    version: jarVersion('kafka-broker', 'kafka_2.13'),
  });
  const admin = await waitUntil(ctx, 'kafka', 60_000, () => connectAdmin(config).catch(() => undefined));
  try {
    await ensureTopic(admin, partitionsOf(config));
  } finally {
    await admin.disconnect();
  }
  task.title = `Kafka ${ctx.state.services.kafka?.version ?? ''} on ${config.host}:${config.ports.kafka}`;
}

/** Polls `check` until it returns a value; fails early, with the service's last log lines, if it died. */
async function waitUntil<T>(
  ctx: UpContext,
  name: ServiceName,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    assertAlive(ctx, name);
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const record = ctx.state.services[name];
      throw new InfrastructureError(
        `${name} did not become healthy within ${timeoutMs / 1000}s. Last lines of ${record?.logFile}:\n${tailFile(record?.logFile ?? '')}`,
      );
    }
    await sleep(250);
  }
}

function assertAlive(ctx: UpContext, name: ServiceName): void {
  assertServiceAlive(ctx.state, name);
}

function setVersion(ctx: UpContext, name: ServiceName, version: string): void {
  const record = ctx.state.services[name];
  if (record) record.version = version;
  writeState(ctx.state.config.stateDir, ctx.state);
}

/** Stops the services in a state, last started first. */
export async function stopStarted(state: StackState): Promise<ServiceName[]> {
  const stopped: ServiceName[] = [];
  for (const name of [...SERVICES].reverse()) {
    const record = state.services[name];
    if (!record) continue;
    if (isOurs(record.pid, state.config.stateDir)) {
      // PostgreSQL: SIGINT is its fast shutdown (rolls back open transactions, then exits cleanly).
      await stopGroup(record.pid, name === 'postgres' ? 'SIGINT' : 'SIGTERM');
      stopped.push(name);
    }
  }
  return stopped;
}
