import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EnvironmentRecord } from '../results/record.js';
import type { StackStatus } from '../runtime/types.js';
import { CLIENT_PACKAGES, PRODUCER_CLIENTS } from '../producer/senders.js';
import { jarVersion, packageRoot, type JobModule } from '../runtime/java.js';

/** The version of crypto-bench itself, from package.json. */
export function toolVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/**
 * Libraries an engine's job runs with that change its behaviour as much as the engine's own version does
 * (connectors, the JDBC driver): recorded under these names next to the engine, read from the job's jars.
 */
const ENGINE_LIBRARIES: Record<
  string,
  readonly (readonly [name: string, module: JobModule, artifact: string])[]
> = {
  spark: [
    ['spark-sql-kafka', 'spark-job', 'spark-sql-kafka-0-10_2.13'],
    ['postgresql-jdbc', 'spark-job', 'postgresql'],
  ],
  flink: [
    ['flink-connector-kafka', 'flink-job', 'flink-connector-kafka'],
    ['flink-connector-jdbc', 'flink-job', 'flink-connector-jdbc-core'],
    ['postgresql-jdbc', 'flink-job', 'postgresql'],
  ],
  baseline: [['postgresql-jdbc', 'baseline-job', 'postgresql']],
};

/** Describes the machine and software a run is measured on. */
export function describeEnvironment(status: StackStatus, javaVersion: string | null): EnvironmentRecord {
  const softwareVersions: Record<string, string> = {};
  for (const service of status.services) {
    if (service.version) softwareVersions[service.name] = service.version;
    for (const [name, module, artifact] of ENGINE_LIBRARIES[service.name] ?? []) {
      const version = jarVersion(module, artifact);
      if (version) softwareVersions[name] = version;
    }
  }
  // The Kafka client the producer threads send with.
  const client = CLIENT_PACKAGES[PRODUCER_CLIENTS[0]];
  const clientVersion = packageVersion(client);
  if (clientVersion) softwareVersions[client] = clientVersion;
  return {
    softwareVersions,
    cpuCount: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    totalMemoryBytes: os.totalmem(),
    os: `${os.platform()} ${os.release()} ${os.arch()}`,
    nodeVersion: process.version,
    javaVersion,
    gitCommit: gitCommit(),
    clockAssumption: 'one host: producer, engines and PostgreSQL read the same system clock',
    ...(status.airflow?.started
      ? {
          airflow: {
            version: status.airflow.version ?? 'unknown',
            scheduledDags: status.airflow.dags.filter((d) => !d.paused).map((d) => d.dagId),
          },
        }
      : {}),
  };
}

/** The version of an installed npm package, or undefined when it cannot be read. */
function packageVersion(name: string): string | undefined {
  try {
    const file = path.join(packageRoot(), 'node_modules', name, 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

function gitCommit(): string | null {
  try {
    const cwd = packageRoot();
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
    return dirty ? `${head}-dirty` : head;
  } catch {
    return null;
  }
}
