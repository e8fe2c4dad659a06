import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cgroupEngine,
  cgroupParent,
  cpuQuota,
  limitScript,
  parentPath,
  removalPaths,
  removeScript,
  type HelperRoots,
} from './cgroups.js';

const CGROUPFS_V1 = { driver: 'cgroupfs', version: 1 } as const;
const CGROUPFS_V2 = { driver: 'cgroupfs', version: 2 } as const;
const SYSTEMD_V2 = { driver: 'systemd', version: 2 } as const;

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A fake /proc and /sys/fs/cgroup: `files` maps paths below the fake root to contents (directories end in /). */
function fakeHost(files: Record<string, string>): HelperRoots & { root: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'cb-cgroups-'));
  roots.push(root);
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(root, file);
    if (file.endsWith('/')) {
      mkdirSync(target, { recursive: true });
    } else {
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
  }
  return { root, proc: path.join(root, 'proc'), cgroup: path.join(root, 'cgroup') };
}

function sh(script: string): { code: number | null; output: string } {
  const result = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
  return { code: result.status, output: result.stdout + result.stderr };
}

const read = (root: string, file: string) => readFileSync(path.join(root, file), 'utf8').trim();

describe('the parent cgroup of a limited engine', () => {
  it('is a top-level cgroup under cgroupfs and a slice under systemd, one per stack and service', () => {
    expect(cgroupParent(CGROUPFS_V1, 'abc123', 'spark')).toEqual({
      name: '/cb-abc123-spark',
      path: '/cb-abc123-spark',
    });
    expect(cgroupParent(SYSTEMD_V2, 'abc123', 'flink')).toEqual({
      name: 'cb-abc123-flink.slice',
      path: '/cb.slice/cb-abc123.slice/cb-abc123-flink.slice',
    });
  });

  it('finds the directory of a CgroupParent value, spelling out the ancestors of a slice', () => {
    expect(parentPath('/cb-abc123-spark')).toBe('/cb-abc123-spark');
    expect(parentPath('cb-abc123-spark')).toBe('/cb-abc123-spark');
    expect(parentPath('cb-abc123-spark.slice')).toBe('/cb.slice/cb-abc123.slice/cb-abc123-spark.slice');
  });

  it('takes the driver and version from docker info, and refuses a driver it cannot use, naming --cpus', () => {
    expect(cgroupEngine({ CgroupDriver: 'systemd', CgroupVersion: '2' })).toEqual(SYSTEMD_V2);
    expect(cgroupEngine({ CgroupDriver: 'cgroupfs' })).toEqual(CGROUPFS_V1);
    expect(() => cgroupEngine({ CgroupDriver: 'none', CgroupVersion: '1' })).toThrow(
      /--cpus cannot be applied: the Docker engine reports cgroup driver "none" on cgroup v1/,
    );
  });

  it('gets a quota of the limit in cores times a 100 ms period', () => {
    expect(cpuQuota(0.8)).toEqual({ quotaUs: 80_000, periodUs: 100_000 });
    expect(cpuQuota(1.5)).toEqual({ quotaUs: 150_000, periodUs: 100_000 });
    expect(cpuQuota(0.01)).toEqual({ quotaUs: 1_000, periodUs: 100_000 });
    expect(cpuQuota(0.29)).toEqual({ quotaUs: 29_000, periodUs: 100_000 });
  });
});

describe('the script that sets the quota', () => {
  const spark = cgroupParent(CGROUPFS_V1, 'abc123', 'spark');

  it("writes cfs_quota_us and cfs_period_us in the cpu hierarchy on v1 when the container's process is under the parent", () => {
    const host = fakeHost({
      'proc/42/cgroup':
        '4:memory:/cb-abc123-spark/c1\n2:cpuacct:/cb-abc123-spark/c1\n1:cpu:/cb-abc123-spark/c1\n',
      'cgroup/cpu/cb-abc123-spark/cpu.cfs_quota_us': '-1\n',
      'cgroup/cpu/cb-abc123-spark/cpu.cfs_period_us': '100000\n',
      'cgroup/cpuacct/cb-abc123-spark/': '',
      'cgroup/cpuset/cb-abc123-spark/': '',
    });
    const result = sh(limitScript(1, 42, spark, cpuQuota(0.8), host));
    expect(result).toEqual({ code: 0, output: `${host.cgroup}/cpu/cb-abc123-spark: 80000 100000\n` });
    expect(read(host.cgroup, 'cpu/cb-abc123-spark/cpu.cfs_quota_us')).toBe('80000');
  });

  it('finds the cpu controller where it is mounted together with cpuacct', () => {
    const host = fakeHost({
      'proc/42/cgroup': '3:cpu,cpuacct:/cb-abc123-spark/c1\n',
      'cgroup/cpu,cpuacct/cb-abc123-spark/cpu.cfs_quota_us': '-1\n',
      'cgroup/cpu,cpuacct/cb-abc123-spark/cpu.cfs_period_us': '100000\n',
    });
    expect(sh(limitScript(1, 42, spark, cpuQuota(1), host)).code).toBe(0);
    expect(read(host.cgroup, 'cpu,cpuacct/cb-abc123-spark/cpu.cfs_quota_us')).toBe('100000');
  });

  it('writes cpu.max on v2, enabling the cpu controller on the way down to a systemd slice', () => {
    const flink = cgroupParent(SYSTEMD_V2, 'abc123', 'flink');
    const host = fakeHost({
      'proc/7/cgroup': `0::${flink.path}/docker-c2.scope\n`,
      'cgroup/cgroup.subtree_control': 'cpuset cpu io memory pids\n',
      'cgroup/cb.slice/cgroup.subtree_control': 'memory pids\n',
      'cgroup/cb.slice/cb-abc123.slice/cgroup.subtree_control': 'memory pids\n',
      [`cgroup${flink.path}/cpu.max`]: 'max 100000\n',
    });
    const result = sh(limitScript(2, 7, flink, cpuQuota(0.8), host));
    expect(result).toEqual({ code: 0, output: `${host.cgroup}${flink.path}: 80000 100000\n` });
    expect(read(host.cgroup, 'cb.slice/cgroup.subtree_control')).toBe('+cpu');
    expect(read(host.cgroup, 'cgroup.subtree_control')).toBe('cpuset cpu io memory pids');
  });

  it('fails, saying where the container is, when it is not under the parent', () => {
    const host = fakeHost({
      'proc/7/cgroup': '0::/system.slice/docker-c2.scope\n',
      'cgroup/cb-abc123-spark/cpu.max': 'max 100000\n',
    });
    const result = sh(limitScript(2, 7, cgroupParent(CGROUPFS_V2, 'abc123', 'spark'), cpuQuota(1), host));
    expect(result.code).toBe(1);
    expect(result.output).toBe(
      'the container is in cgroup /system.slice/docker-c2.scope, not under /cb-abc123-spark\n',
    );
    expect(read(host.cgroup, 'cb-abc123-spark/cpu.max')).toBe('max 100000');
  });

  it('fails, naming the file, when a write is refused', () => {
    const host = fakeHost({
      'proc/42/cgroup': '1:cpu:/cb-abc123-spark/c1\n',
      'cgroup/cpu/cb-abc123-spark/cpu.cfs_quota_us': '-1\n',
      // A directory in place of the file: writing it fails as a write the kernel refuses does.
      'cgroup/cpu/cb-abc123-spark/cpu.cfs_period_us/': '',
    });
    const result = sh(limitScript(1, 42, cgroupParent(CGROUPFS_V1, 'abc123', 'spark'), cpuQuota(1), host));
    expect(result.code).toBe(1);
    expect(result.output).toContain(
      `could not write 100000 to ${host.cgroup}/cpu/cb-abc123-spark/cpu.cfs_period_us`,
    );
  });

  it('fails when the parent has no cpu controller to limit', () => {
    const host = fakeHost({
      'proc/7/cgroup': '0::/cb-abc123-spark/c1\n',
      'cgroup/cgroup.subtree_control': 'cpu memory\n',
      'cgroup/cb-abc123-spark/': '',
    });
    const result = sh(limitScript(2, 7, cgroupParent(CGROUPFS_V2, 'abc123', 'spark'), cpuQuota(1), host));
    expect(result.code).toBe(1);
    expect(result.output).toBe(`no cpu controller in ${host.cgroup}/cb-abc123-spark\n`);
  });
});

describe('the script that removes the parents', () => {
  it("removes a stack's parents from every v1 hierarchy, and a parent already gone is fine", () => {
    const host = fakeHost({
      'cgroup/cpu/cb-abc123-spark/': '',
      'cgroup/memory/cb-abc123-spark/': '',
      'cgroup/memory/cb-abc123-flink/': '',
      'cgroup/memory/cb-other-spark/': '',
    });
    const paths = removalPaths('abc123', ['/cb-abc123-spark', '/cb-abc123-flink', '/cb-abc123-baseline']);
    const result = sh(removeScript(1, paths, host));
    expect(result.code, result.output).toBe(0);
    for (const dir of ['cpu/cb-abc123-spark', 'memory/cb-abc123-spark', 'memory/cb-abc123-flink'])
      expect(existsSync(path.join(host.cgroup, dir)), dir).toBe(false);
    expect(existsSync(path.join(host.cgroup, 'memory/cb-other-spark'))).toBe(true);
  });

  it("removes a systemd stack's slices and the stack's own slice above them, leaving the shared cb.slice", () => {
    const names = ['cb-abc123-spark.slice', 'cb-abc123-flink.slice'];
    const paths = removalPaths('abc123', names);
    expect(paths).toEqual([
      '/cb.slice/cb-abc123.slice/cb-abc123-spark.slice',
      '/cb.slice/cb-abc123.slice/cb-abc123-flink.slice',
      '/cb.slice/cb-abc123.slice',
    ]);
    const host = fakeHost(Object.fromEntries(paths.map((p) => [`cgroup${p}/`, ''])));
    expect(sh(removeScript(2, paths, host)).code).toBe(0);
    expect(existsSync(path.join(host.cgroup, 'cb.slice/cb-abc123.slice'))).toBe(false);
    expect(existsSync(path.join(host.cgroup, 'cb.slice'))).toBe(true);
  });

  it('fails, naming the directory, when a parent still holds something', () => {
    const host = fakeHost({ 'cgroup/cb-abc123-spark/c1/': '' });
    const result = sh(removeScript(2, ['/cb-abc123-spark'], host));
    expect(result.code).toBe(1);
    expect(result.output).toContain(`${host.cgroup}/cb-abc123-spark`);
  });
});
