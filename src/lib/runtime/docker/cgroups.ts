import type Docker from 'dockerode';
import type { ServiceName } from '../../config/defaults.js';
import type { CpuLimits } from '../../config/lists.js';
import { InfrastructureError, describe } from '../../errors.js';
import { LABELS } from './client.js';

/**
 * `--cpus spark=1` limits an engine, not each of its containers: every container of a limited service is
 * created under one parent cgroup of its own (Docker's HostConfig.CgroupParent), and the CFS bandwidth quota
 * of that parent bounds the CPU time of all of them together (Documentation/scheduler/sched-bwc.rst).
 *
 * The quota is written by a short-lived helper container of the stack's own image with the engine's
 * /sys/fs/cgroup bind-mounted, so it works where the engine is not on the CLI's host (Docker Desktop's VM).
 * Not `--privileged`: that fails on hosts whose capability set lacks one Docker grants (as on the project's
 * test machines), and a writable view of the cgroup tree is all the helper needs.
 */

/** How the Docker engine manages cgroups, from `docker info`. */
export interface CgroupEngine {
  /** Who creates the cgroups: runc itself (`cgroupfs`) or systemd (`systemd`, parents are slices). */
  driver: 'cgroupfs' | 'systemd';
  /** cgroup v1 (one hierarchy per controller) or v2 (one unified hierarchy). */
  version: 1 | 2;
}

/** Where an engine's containers live. */
export interface CgroupParent {
  /** The value of HostConfig.CgroupParent: `/cb-<id>-spark` or, for systemd, `cb-<id>-spark.slice`. */
  name: string;
  /** Its directory below the root of a cgroup hierarchy, e.g. `/cb.slice/cb-<id>.slice/cb-<id>-spark.slice`. */
  path: string;
}

/** A CFS bandwidth limit: `quotaUs` of CPU time per `periodUs` of wall time, summed over all CPUs. */
export interface CpuQuota {
  /** CPU time allowed per period, µs. */
  quotaUs: number;
  /** Length of a period, µs. */
  periodUs: number;
}

/** The fields of `docker info` (GET /info) that say how the engine manages cgroups. */
interface DockerInfo {
  CgroupDriver?: string;
  CgroupVersion?: string;
}

/** Docker's own period for `--cpus` (100 ms); the kernel takes quotas from 1 ms, i.e. 0.01 core. */
const PERIOD_US = 100_000;
/** Where the helper sees the engine's /sys/fs/cgroup. */
const HOST_CGROUP = '/host/cgroup';
/** Where the helper sees the processes of the engine's host (it shares their PID namespace). */
const HOST_PROC = '/proc';

const CPUS_HELP = [
  'Run `up` without --cpus (the engines then share every core), or see the --cpus notes in the README',
];

/** The engine's cgroup driver and version; fails, naming --cpus, when neither cgroupfs nor systemd manages them. */
export function cgroupEngine(info: DockerInfo): CgroupEngine {
  const driver = info.CgroupDriver;
  // Engines before 20.10 report no version: they only know cgroup v1.
  const version = info.CgroupVersion ?? '1';
  if ((driver === 'cgroupfs' || driver === 'systemd') && (version === '1' || version === '2'))
    return { driver, version: version === '1' ? 1 : 2 };
  throw new InfrastructureError(
    `--cpus cannot be applied: the Docker engine reports cgroup driver "${driver ?? 'none'}" on cgroup v${version}, ` +
      'and crypto-bench limits an engine through a parent cgroup under the cgroupfs or systemd driver',
    { suggestions: CPUS_HELP },
  );
}

/** The engine's cgroup driver and version when any service has a CPU limit (else undefined: nothing to do). */
export async function cgroupsFor(docker: Docker, cpus: CpuLimits): Promise<CgroupEngine | undefined> {
  if (Object.keys(cpus).length === 0) return undefined;
  return cgroupEngine((await docker.info()) as DockerInfo);
}

/** The parent cgroup of one service of a stack. */
export function cgroupParent(engine: CgroupEngine, id: string, service: ServiceName): CgroupParent {
  const name = engine.driver === 'systemd' ? `cb-${id}-${service}.slice` : `/cb-${id}-${service}`;
  return { name, path: parentPath(name) };
}

/**
 * The directory of a CgroupParent value: a path as given under cgroupfs; under systemd a slice, whose name
 * spells its ancestors with dashes (`a-b.slice` lives in `a.slice/a-b.slice`).
 */
export function parentPath(name: string): string {
  if (!name.endsWith('.slice')) return name.startsWith('/') ? name : `/${name}`;
  const parts = name.slice(0, -'.slice'.length).split('-');
  return parts.map((_, i) => `/${parts.slice(0, i + 1).join('-')}.slice`).join('');
}

/** The CFS quota of a limit in cores: `cores` periods of CPU time per period, in whole µs. */
export function cpuQuota(cores: number): CpuQuota {
  return { quotaUs: Math.round(cores * PERIOD_US), periodUs: PERIOD_US };
}

/** Where the helper finds the process list and the cgroup tree (tests point them at a fake tree). */
export interface HelperRoots {
  proc: string;
  cgroup: string;
}

const HELPER_ROOTS: HelperRoots = { proc: HOST_PROC, cgroup: HOST_CGROUP };

/**
 * The `sh` script that checks that process `pid` (a container's init) sits directly under the parent, then
 * writes the parent's quota and reads it back: `cpu.cfs_period_us` and `cpu.cfs_quota_us` in the cpu
 * controller's hierarchy on v1, `cpu.max` on v2 (after enabling the cpu controller on the way down, which
 * runc does under cgroupfs but systemd only for units that ask for it). Exits non-zero, saying why, otherwise.
 */
export function limitScript(
  version: 1 | 2,
  pid: number,
  parent: CgroupParent,
  quota: CpuQuota,
  roots: HelperRoots = HELPER_ROOTS,
): string {
  const want = `${quota.quotaUs} ${quota.periodUs}`;
  const lines = [
    'set -eu',
    'fail() { echo "$*" >&2; exit 1; }',
    'put() { echo "$1" > "$2" || fail "could not write $1 to $2"; }',
    `want='${parent.path}'`,
    `root='${roots.cgroup}'`,
    'cg=',
    // A line of /proc/PID/cgroup is `hierarchy-id:controllers:path`; v2 has the single hierarchy 0.
    'while IFS=: read -r id controllers path; do',
    version === 1
      ? '  case ",$controllers," in *,cpu,*) cg=$path ;; esac'
      : '  case "$id" in 0) cg=$path ;; esac',
    `done < '${roots.proc}/${pid}/cgroup'`,
    `[ -n "$cg" ] || fail "process ${pid} has no cpu cgroup"`,
    '[ "${cg%/*}" = "$want" ] || fail "the container is in cgroup $cg, not under $want"',
  ];
  if (version === 1) {
    lines.push(
      // The cpu controller's mount: `cpu`, or `cpu,cpuacct` where the two are mounted together.
      'dir=',
      'for d in "$root"/*; do case ",${d##*/}," in *,cpu,*) dir=$d$want ;; esac; done',
      '[ -n "$dir" ] && [ -f "$dir/cpu.cfs_quota_us" ] || fail "no cpu controller for $want under $root"',
      `put ${quota.periodUs} "$dir/cpu.cfs_period_us"`,
      `put ${quota.quotaUs} "$dir/cpu.cfs_quota_us"`,
      'got="$(cat "$dir/cpu.cfs_quota_us") $(cat "$dir/cpu.cfs_period_us")"',
    );
  } else {
    lines.push(
      'dir=$root',
      'IFS=/',
      'for part in ${want#/}; do',
      '  grep -qw cpu "$dir/cgroup.subtree_control" || put +cpu "$dir/cgroup.subtree_control"',
      '  dir=$dir/$part',
      'done',
      "IFS=' '",
      '[ -f "$dir/cpu.max" ] || fail "no cpu controller in $dir"',
      `put '${want}' "$dir/cpu.max"`,
      'got=$(cat "$dir/cpu.max")',
    );
  }
  lines.push(
    `[ "$got" = '${want}' ] || fail "$dir reads back $got after writing ${want}"`,
    'echo "$dir: $got"',
  );
  return lines.join('\n');
}

/**
 * The `sh` script that removes parent cgroups (deepest first) from every hierarchy; one already gone is fine,
 * one that cannot be removed (not empty) is named and makes the script fail.
 */
export function removeScript(version: 1 | 2, paths: string[], roots: HelperRoots = HELPER_ROOTS): string {
  const globs = paths.map((p) => (version === 1 ? `'${roots.cgroup}'/*'${p}'` : `'${roots.cgroup}${p}'`));
  return [
    'left=0',
    `for dir in ${globs.join(' ')}; do`,
    '  [ -d "$dir" ] || continue',
    '  rmdir "$dir" && echo "removed $dir" || left=1',
    'done',
    'exit $left',
  ].join('\n');
}

/** The directories `down` removes for the CgroupParent values of a stack's containers: parents, then their slice. */
export function removalPaths(id: string, names: string[]): string[] {
  const paths = [...new Set(names.map(parentPath))];
  // A systemd parent's own slice (`cb-<id>.slice`) is the stack's too; `cb.slice` above it is shared.
  if (names.some((name) => name.endsWith('.slice'))) paths.push(`/cb.slice/cb-${id}.slice`);
  return paths;
}

/**
 * Limits a service's containers together: checks that the container whose init is `pid` sits under the
 * service's parent and writes the parent's quota. The parent only exists once its first container has
 * started (systemd creates a slice for its first unit), so that container runs unlimited until this returns.
 */
export async function applyCpuLimit(
  docker: Docker,
  target: {
    id: string;
    image: string;
    engine: CgroupEngine;
    service: ServiceName;
    pid: number;
    cores: number;
  },
): Promise<void> {
  const parent = cgroupParent(target.engine, target.id, target.service);
  const script = limitScript(target.engine.version, target.pid, parent, cpuQuota(target.cores));
  const { exitCode, output } = await runHelper(docker, target.id, target.image, script).catch(
    (error: unknown) => ({ exitCode: -1, output: describe(error) }),
  );
  if (exitCode !== 0) {
    throw new InfrastructureError(
      `--cpus ${target.service}=${target.cores} could not be applied to the parent cgroup ${parent.name}: ${output.trim() || `exit code ${exitCode}`}`,
      { suggestions: CPUS_HELP },
    );
  }
}

/** Removes a stack's parent cgroups once its containers are gone; fails with the helper's output otherwise. */
export async function removeParents(
  docker: Docker,
  target: { id: string; image: string; names: string[] },
): Promise<void> {
  const { version } = cgroupEngine((await docker.info()) as DockerInfo);
  const script = removeScript(version, removalPaths(target.id, target.names));
  const { exitCode, output } = await runHelper(docker, target.id, target.image, script);
  if (exitCode !== 0) throw new InfrastructureError(`Could not remove parent cgroups: ${output.trim()}`);
}

/**
 * Runs a script in a throwaway container that sees the host's processes and its writable cgroup tree.
 * Labelled with the stack, so `down` also removes one that a killed CLI left behind.
 */
async function runHelper(
  docker: Docker,
  id: string,
  image: string,
  script: string,
): Promise<{ exitCode: number; output: string }> {
  const hostConfig: Docker.HostConfig & { CgroupnsMode: 'host' } = {
    NetworkMode: 'none',
    PidMode: 'host',
    // /proc/PID/cgroup lists paths relative to the reader's cgroup namespace: read them from the engine's.
    CgroupnsMode: 'host',
    UsernsMode: 'host',
    SecurityOpt: ['apparmor=unconfined', 'label=disable'],
    Mounts: [{ Type: 'bind', Source: '/sys/fs/cgroup', Target: HOST_CGROUP, ReadOnly: false }],
  };
  const container = await docker.createContainer({
    Image: image,
    Cmd: ['sh', '-c', script],
    // A terminal merges stdout and stderr into plain text.
    Tty: true,
    Labels: { [LABELS.stack]: id, [LABELS.role]: 'cgroup-helper' },
    HostConfig: hostConfig,
  });
  try {
    await container.start();
    const { StatusCode: exitCode } = (await container.wait()) as { StatusCode: number };
    const log = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
    return { exitCode, output: log.toString('utf8').replaceAll('\r', '') };
  } finally {
    await container.remove({ force: true });
  }
}
