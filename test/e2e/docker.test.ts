import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepOutcome } from '../../src/lib/bench/sweep.js';
import type { RunRecord } from '../../src/lib/results/record.js';
import { expectOneHostClock } from '../support/clock.js';
import {
  cgroupEngine,
  cgroupParent,
  removalPaths,
  type CgroupEngine,
} from '../../src/lib/runtime/docker/cgroups.js';
import { connectDocker, stackFilter, stackId } from '../../src/lib/runtime/docker/client.js';
import { isListening } from '../../src/lib/runtime/ports.js';
import { readState } from '../../src/lib/runtime/state.js';
import type { StackStatus, UpResult } from '../../src/lib/runtime/types.js';
import { json, runCli } from '../support/cli.js';
import { e2eStack } from '../support/stack.js';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// A base image made without a registry (test/support/docker-engine.sh); users get a public JRE 17 image.
const BASE_IMAGE = 'crypto-bench/debian:bookworm';

const { stateDir, resultsDir, stackArgs, config } = e2eStack('docker', 25092);
// Host networking: every connection of the test stays on 127.0.0.1 (no traffic to container addresses).
const onDocker = [...stackArgs, '--runtime', 'docker', '--network', 'host'];
const dockerArgs = [...onDocker, '--base-image', BASE_IMAGE];
const NO_STACK_TRACE = /\n\s+at /;
// Each engine gets 0.8 core for all of its containers together (Spark 4, Flink 3).
const CPUS = ['--cpus', 'spark=0.8,flink=0.8'];
// Two TaskManagers and two workers, so that when one is killed the other carries on (and the cgroup limit is
// checked on every one of them).
const SCALE = ['--taskmanagers', '2', '--spark-workers', '2'];
const CGROUP_ROOT = '/sys/fs/cgroup';

describe('the docker runtime', () => {
  let up: UpResult;
  let internalPorts: number[] = [];
  let cgroups: CgroupEngine;

  beforeAll(async () => {
    // Installs and starts a Docker engine and makes the base image when this machine has none (idempotent).
    await run('bash', [path.join(ROOT, 'test/support/docker-engine.sh'), BASE_IMAGE], { timeout: 600_000 });
    await runCli(['down', '--state-dir', stateDir]);
    cgroups = cgroupEngine((await (await connectDocker()).info()) as { CgroupDriver?: string });
  });

  afterAll(async () => {
    await runCli(['down', '--state-dir', stateDir, '--volumes', '--yes']);
  });

  it('refuses cluster sizes that are not whole numbers from 1, or on a runtime without those clusters, naming the fix', async () => {
    const zero = await runCli(['up', ...dockerArgs, '--taskmanagers', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--taskmanagers: "0" is not a whole number from 1 to 16');
    expect(zero.stderr).not.toMatch(NO_STACK_TRACE);
    const fraction = await runCli(['up', ...dockerArgs, '--spark-workers', '1.5']);
    expect(fraction.code).toBe(2);
    expect(fraction.stderr).toContain('--spark-workers: "1.5" is not a whole number from 1 to 16');
    const local = await runCli(['up', ...stackArgs, '--taskmanagers', '2']);
    expect(local.code).toBe(2);
    expect(local.stderr).toContain('--taskmanagers applies to the docker runtime only');
    expect(local.stderr).toContain('Add --runtime docker');
    expect(await containersOfStack()).toEqual([]);
    expect(readState(stateDir)).toBeUndefined();
  });

  it('says when Docker is not reachable, and suggests the local runtime', async () => {
    const result = await runCli(['up', ...dockerArgs], {
      env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
    });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('Docker is not reachable at unix:///nonexistent/docker.sock');
    expect(result.stderr).toContain('--runtime local');
    expect(result.stderr).not.toMatch(NO_STACK_TRACE);
  });

  it('refuses to start when a port is taken, naming the port, and starts no container', async () => {
    const blocker = net.createServer().listen(config.ports.postgres, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    try {
      const result = await runCli(['up', ...dockerArgs]);
      expect(result.code).toBe(4);
      expect(result.stderr).toContain(
        `Port ${config.ports.postgres} (postgres) on 127.0.0.1 is already in use`,
      );
    } finally {
      blocker.close();
    }
    expect(await containersOfStack()).toEqual([]);
  });

  it('shows the failing build step when an image cannot be built, and starts no container', async () => {
    const result = await runCli(['up', ...onDocker, '--base-image', 'crypto-bench/no-such-base:1']);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/Building the image crypto-bench\/\w+:\w+ failed at Step \d+\/\d+ : FROM/);
    expect(result.stderr).toContain('--base-image');
    expect(result.stderr).not.toMatch(NO_STACK_TRACE);
    expect(await containersOfStack()).toEqual([]);
  });

  it('stops the rest and shows the last log lines when a container exits during up', async () => {
    const up = runCli(['up', ...dockerArgs]);
    const docker = await connectDocker();
    const postgres = `cb-${stackId(stateDir)}-postgres`;
    // Kill PostgreSQL as soon as it runs: up is then waiting for it to become healthy.
    for (let waited = 0; waited < 300_000; waited += 200) {
      const found = await docker.listContainers({ filters: { name: [postgres], status: ['running'] } });
      if (found.length > 0) {
        await docker.getContainer(postgres).kill();
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const result = await up;
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(new RegExp(`postgres \\(container ${postgres}\\) exited with code 137`));
    expect(result.stderr).toContain('Last lines of its log');
    expect(result.stderr).not.toMatch(NO_STACK_TRACE);
    expect(await containersOfStack()).toEqual([]);
    expect(readState(stateDir)).toBeUndefined();
  });

  it('comes up on the host network: every container healthy, the Flink job submitted over REST', async () => {
    // Nine JVMs starting on a shared 2-core machine: at load 27 this took 7.5 minutes.
    const result = await runCli(['up', ...dockerArgs, ...CPUS, ...SCALE, '--timeout', '900s', '--json']);
    expect(result.code, result.stderr).toBe(0);
    up = json<UpResult>(result);
    expect(up.runtime).toBe('docker');
    expect(up.services.map((s) => s.role)).toEqual([
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
      expect.stringMatching(/^flink-job /),
    ]);
    for (const service of up.services) expect(service.health, service.role).toMatch(/healthy|running/);
    expect(up.endpoints?.flinkUi).toBe(`http://127.0.0.1:${config.ports.flinkUi}`);
    const docker = readState(stateDir)?.docker;
    internalPorts = Object.values(docker?.internalPorts ?? {});
    console.info(
      `docker up to healthy: ${up.upMs} ms (of which image and job builds ${up.buildMs} ms); stack memory ${(up.totalRssBytes / 2 ** 20).toFixed(0)} MiB`,
    );
  });

  it('binds every port of the stack to 127.0.0.1 only', async () => {
    const { stdout } = await run('ss', ['-ltnH']);
    const ports = [...Object.values(config.ports), ...internalPorts];
    for (const port of ports) {
      const sockets = stdout
        .split('\n')
        .map((line) => line.trim().split(/\s+/)[3] ?? '')
        .filter((address) => address.endsWith(`:${port}`));
      expect(sockets.length, `port ${port} listens`).toBeGreaterThan(0);
      for (const address of sockets) expect(address, `port ${port}`).toMatch(/^(\[::ffff:)?127\.0\.0\.1\]?:/);
    }
  });

  it("limits each engine as a whole: its containers share one parent cgroup with the engine's quota", async () => {
    const docker = await connectDocker();
    const containers = readState(stateDir)?.docker?.containers ?? [];
    for (const service of ['spark', 'flink'] as const) {
      const parent = cgroupParent(cgroups, stackId(stateDir), service);
      const own = containers.filter((c) => c.service === service);
      expect(own.length, service).toBe(service === 'spark' ? 4 : 3);
      for (const container of own) {
        const inspected = await docker.getContainer(container.name).inspect();
        expect(inspected.HostConfig.CgroupParent, container.role).toBe(parent.name);
        expect(inspected.HostConfig.NanoCpus, container.role).toBeFalsy();
        expect(path.dirname(cpuCgroupOf(cgroups.version, inspected.State.Pid)), container.role).toBe(
          parent.path,
        );
      }
      expect(quotaOf(cgroups.version, parent.path), service).toBe('80000 100000');
    }
    for (const container of containers.filter((c) => c.service !== 'spark' && c.service !== 'flink')) {
      const inspected = await docker.getContainer(container.name).inspect();
      expect(inspected.HostConfig.CgroupParent, container.role).toBeFalsy();
    }
  });

  it("shows the containers in status, and a container's last log lines with --logs", async () => {
    const status = json<StackStatus>(await runCli(['status', '--state-dir', stateDir, '--json']));
    expect(status.runtime).toBe('docker');
    expect(status.network).toBe('host');
    expect(status.services.filter((s) => s.container).length).toBe(10);
    // The limit holds for an engine's containers together: shown once per engine.
    expect(status.services.filter((s) => s.cpuLimit !== undefined).map((s) => [s.role, s.cpuLimit])).toEqual([
      ['spark-master', 0.8],
      ['flink-jobmanager', 0.8],
    ]);
    const logs = await runCli(['status', '--state-dir', stateDir, '--logs', 'spark-driver', '--lines', '50']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain('crypto-bench: spark job running');
    const unknown = await runCli(['status', '--state-dir', stateDir, '--logs', 'storm']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('flink-jobmanager');
  });

  it('measures every engine on a short run, with the cost taken from container statistics', async () => {
    const result = await runCli([
      'run',
      ...stackArgs,
      '--results-dir',
      resultsDir,
      '--duration',
      '15s',
      '--rate',
      '300',
      '--warmup',
      '3s',
      '--schedule-lag-bound',
      '2s',
      '--drain-timeout',
      '90s',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const record = json<{ runs: RunRecord[] }>(result).runs[0] as RunRecord;
    expect(record.status).toBe('complete');
    expect(record.config.runtime).toBe('docker');
    expectOneHostClock(record);
    expect(record.producer?.sentEvents).toBe(4500);
    for (const [engine, figures] of Object.entries(record.engines)) {
      expect(figures?.completeness?.missingRows, engine).toBe(0);
      expect(figures?.cost?.cpuSeconds, engine).toBeGreaterThan(0);
      expect(figures?.cost?.peakRssBytes, engine).toBeGreaterThan(0);
      console.info(
        `docker ${engine}: p50 ${((figures?.latency?.p50Us ?? 0) / 1000).toFixed(1)} ms, p99 ${((figures?.latency?.p99Us ?? 0) / 1000).toFixed(1)} ms, CPU ${figures?.cost?.cpuSeconds?.toFixed(2)} s, peak ${((figures?.cost?.peakRssBytes ?? 0) / 2 ** 20).toFixed(0)} MiB`,
      );
    }
  });

  // One point: each change of the topic restarts every job, the Spark driver's container too (slow at 0.8 core).
  it("sweeps on a topic of 4 partitions with Flink's buffer timeout at 0: the checkpoints in the volume cleared, the job resubmitted over REST, then the stack's topic and setting restored", async () => {
    const result = await runCli([
      'sweep',
      ...stackArgs,
      '--results-dir',
      resultsDir,
      '--engines',
      'flink,baseline',
      '--partitions',
      '4',
      '--buffer-timeout',
      '0',
      '--rate',
      '200',
      '--duration',
      '6s',
      '--warmup',
      '2s',
      '--schedule-lag-bound',
      '2s',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const { sweep, runs } = json<SweepOutcome>(result);
    expect(sweep.points.map((p) => [p.partitions, p.labels.flink, p.status])).toEqual([
      [4, 'buffer 0ms, batch 1000/200ms', 'complete'],
    ]);
    for (const point of sweep.points) {
      const run = runs[point.runIds[0] as string];
      expect(run?.config.runtime).toBe('docker');
      expect(run?.config.partitions).toBe(4);
      expect(run?.config.jobs?.flinkBufferTimeoutMs).toBe(point.settings.flinkBufferTimeoutMs);
      for (const engine of ['flink', 'baseline'] as const) {
        const completeness = run?.engines[engine]?.completeness;
        expect(completeness?.missingRows, `${engine} at point ${point.index + 1}`).toBe(0);
        expect(completeness?.committedDistinctRows).toBe(completeness?.producedRows);
      }
    }
    expect(readState(stateDir)?.config.partitions).toBe(3);
    const status = json<StackStatus>(await runCli(['status', '--state-dir', stateDir, '--json']));
    expect(status.jobs?.flinkBufferTimeoutMs).toBe(100);
    for (const service of status.services) expect(service.health, service.role).toMatch(/healthy|running/);
    expect(status.services.find((s) => s.role?.startsWith('flink-job'))?.health).toBe('healthy');
  });

  it('spreads the Flink job and the Spark executors over the TaskManagers and workers', async () => {
    const state = readState(stateDir);
    expect(state?.docker?.scale).toEqual({
      taskmanagers: 2,
      slotsPerTaskManager: 1,
      sparkWorkers: 2,
      sparkCores: 2,
      coresPerWorker: 1,
    });
    const flink = await fetch(`http://127.0.0.1:${config.ports.flinkUi}/taskmanagers`);
    const taskmanagers = ((await flink.json()) as { taskmanagers: { id: string; slotsNumber: number }[] })
      .taskmanagers;
    expect(taskmanagers.map((tm) => [tm.id, tm.slotsNumber]).sort()).toEqual([
      ['flink-taskmanager-1', 1],
      ['flink-taskmanager-2', 1],
    ]);
    const spark = await fetch(`http://127.0.0.1:${config.ports.sparkUi}/api/v1/applications`);
    const [app] = (await spark.json()) as { id: string }[];
    const executors = await fetch(
      `http://127.0.0.1:${config.ports.sparkUi}/api/v1/applications/${app?.id}/executors`,
    );
    const cores = ((await executors.json()) as { id: string; totalCores: number }[])
      .filter((e) => e.id !== 'driver')
      .map((e) => e.totalCores);
    // Two cores in all, one executor with one core on each worker.
    expect(cores).toEqual([1, 1]);
  });

  it('refuses a Flink parallelism its TaskManagers have no slots for, before any job stops', async () => {
    const result = await runCli(['run', ...stackArgs, '--duration', '10s', '--parallelism', 'flink=3']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "--parallelism flink=3 needs 3 task slots; this docker stack's 2 TaskManager(s) offer 1 each (2)",
    );
    expect(result.stderr).toContain('crypto-bench up --runtime docker --parallelism flink=3');
    const status = json<StackStatus>(await runCli(['status', '--state-dir', stateDir, '--json']));
    expect(status.services.find((s) => s.role?.startsWith('flink-job'))?.health).toBe('healthy');
  });

  it('kills a TaskManager, a Spark worker and the JobManager and stops PostgreSQL mid-run: Docker restarts them, the lost Flink job is submitted again, the engines recover, nothing is lost', async () => {
    const result = await runCli([
      'run',
      ...stackArgs,
      '--results-dir',
      resultsDir,
      '--duration',
      '75s',
      '--rate',
      '300',
      // A crash in a short run is a transient on purpose: the window is set rather than found by MSER-5.
      '--warmup',
      '3s',
      '--schedule-lag-bound',
      '2s',
      '--drain-timeout',
      '180s',
      '--fault',
      'flink-taskmanager:kill@12s',
      '--fault',
      'spark-worker:kill@25s',
      // The JobManager has no HA: it comes back without the job, which crypto-bench submits again.
      '--fault',
      'flink:kill@30s',
      // PostgreSQL exits 0 after SIGTERM; its container's entrypoint makes that a failure, so Docker restarts it.
      '--fault',
      'postgres:stop@62s',
      '--json',
    ]);
    const record = json<{ runs: RunRecord[] }>(result).runs[0] as RunRecord;
    expect(record.faults?.map((f) => [f.text, f.outcome])).toEqual([
      ['flink-taskmanager:kill@12s', 'injected'],
      ['spark-worker:kill@25s', 'injected'],
      ['flink:kill@30s', 'injected'],
      ['postgres:stop@62s', 'injected'],
    ]);
    for (const fault of record.faults ?? []) console.info(`docker fault ${fault.text}: ${fault.detail}`);
    for (const restart of record.restarts ?? []) console.info(`docker restart: ${JSON.stringify(restart)}`);
    const [tm, worker, jobManager, database] = record.faults ?? [];
    // The TaskManager hit is the one running the job (parallelism 1: the other one is the standby).
    expect(tm?.container).toMatch(/-flink-taskmanager-[12]$/);
    expect(tm?.detail).toMatch(/the one running \d+ of the Flink job's \d+ operators/);
    expect(worker?.container).toMatch(/-spark-worker-[12]$/);
    expect(jobManager?.container).toMatch(/-flink-jobmanager$/);
    for (const fault of [tm, worker, jobManager, database]) {
      const unit = fault?.container?.replace(/^cb-\w+-/, '');
      expect(
        record.restarts?.some((r) => r.service === unit && r.atUs > (fault?.injectedAtUs ?? 0)),
        `${unit} restarted by Docker`,
      ).toBe(true);
    }
    const resubmitted = record.restarts?.find((r) => r.service === 'flink');
    expect(resubmitted?.exitReason).toMatch(/came back without its job .* submitted again by crypto-bench/);
    expect(resubmitted?.atUs).toBeGreaterThan(jobManager?.injectedAtUs ?? Infinity);
    for (const [engine, fault] of [
      ['flink', tm],
      ['spark', worker],
      ['flink', jobManager],
    ] as const) {
      const recovery = fault?.recovery[engine];
      console.info(
        `docker ${engine} after ${fault?.text}: downtime ${((recovery?.downtimeUs ?? 0) / 1e6).toFixed(1)} s, recovery ${recovery?.recoveryUs === null ? 'none' : `${((recovery?.recoveryUs ?? 0) / 1e6).toFixed(1)} s`}, lost ${record.engines[engine]?.completeness?.missingRows}, duplicates ${record.engines[engine]?.duplicateDeliveries}`,
      );
    }
    expect(result.code, `${record.status}: ${record.statusReasons.join('; ')}`).toBe(0);
    expect(record.status).toBe('complete');
    for (const engine of ['spark', 'flink', 'baseline'] as const)
      expect(record.engines[engine]?.completeness?.missingRows, engine).toBe(0);
    const status = json<StackStatus>(await runCli(['status', '--state-dir', stateDir, '--json']));
    for (const service of status.services) expect(service.health, service.role).toMatch(/healthy|running/);
    for (const fault of [tm, worker, jobManager, database])
      expect(status.services.find((s) => s.container === fault?.container)?.restarts).toBe(1);
    expect(status.services.find((s) => s.role?.startsWith('flink-job '))?.health).toBe('healthy');
  });

  it('goes down leaving no container, network or listening port behind, and a second down is harmless', async () => {
    const result = await runCli(['down', '--state-dir', stateDir, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(json<{ stopped: string[] }>(result).stopped.sort()).toEqual(
      ['postgres', 'kafka', 'spark', 'flink', 'baseline'].sort(),
    );
    expect(await containersOfStack()).toEqual([]);
    const docker = await connectDocker();
    expect(await docker.listNetworks({ filters: stackFilter(stackId(stateDir)) })).toEqual([]);
    const parents = (['spark', 'flink'] as const).map(
      (s) => cgroupParent(cgroups, stackId(stateDir), s).name,
    );
    expect(leftCgroups(cgroups.version, removalPaths(stackId(stateDir), parents))).toEqual([]);
    for (const port of [...Object.values(config.ports), ...internalPorts])
      expect(await isListening(port, '127.0.0.1'), `port ${port}`).toBe(false);
    const again = await runCli(['down', '--state-dir', stateDir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing was running');
  });

  it("deletes the stack's volumes with down --volumes, even after the containers are gone", async () => {
    const docker = await connectDocker();
    const volumes = async () =>
      (await docker.listVolumes({ filters: stackFilter(stackId(stateDir)) })).Volumes?.map((v) => v.Name) ??
      [];
    expect((await volumes()).length).toBe(3);
    const result = await runCli(['down', '--state-dir', stateDir, '--volumes', '--yes']);
    expect(result.code, result.stderr).toBe(0);
    expect(await volumes()).toEqual([]);
  });
});

/** The cgroup holding a process's CPU quota, read on this machine (where docker-engine.sh runs the engine). */
function cpuCgroupOf(version: 1 | 2, pid: number): string {
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n');
  const fields = lines.map((line) => line.split(':'));
  const found =
    version === 2
      ? fields.find(([id]) => id === '0')
      : fields.find(([, controllers]) => controllers?.split(',').includes('cpu'));
  return found?.slice(2).join(':') ?? '';
}

/** The directories of this host's cgroup hierarchies: the unified one (v2) or one per controller (v1). */
function hierarchies(version: 1 | 2): string[] {
  if (version === 2) return [CGROUP_ROOT];
  return readdirSync(CGROUP_ROOT).map((name) => path.join(CGROUP_ROOT, name));
}

/** A cgroup's CPU quota as `quota period` (µs). */
function quotaOf(version: 1 | 2, cgroup: string): string {
  if (version === 2) return readFileSync(path.join(CGROUP_ROOT, cgroup, 'cpu.max'), 'utf8').trim();
  const cpu = hierarchies(1).find((dir) => path.basename(dir).split(',').includes('cpu')) ?? '';
  const read = (file: string) => readFileSync(path.join(cpu, cgroup, file), 'utf8').trim();
  return `${read('cpu.cfs_quota_us')} ${read('cpu.cfs_period_us')}`;
}

/** The cgroups of `paths` still present in any hierarchy. */
function leftCgroups(version: 1 | 2, paths: string[]): string[] {
  return hierarchies(version).flatMap((dir) =>
    paths.map((p) => path.join(dir, p)).filter((p) => existsSync(p)),
  );
}

async function containersOfStack(): Promise<string[]> {
  const docker = await connectDocker();
  const found = await docker.listContainers({ all: true, filters: stackFilter(stackId(stateDir)) });
  return found.map((c) => c.Names[0] ?? c.Id);
}
