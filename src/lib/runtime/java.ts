import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ConfigError } from '../errors.js';

const run = promisify(execFile);

/** The oldest Java the jobs run on (Spark 4 and Flink 2 need 17). */
export const MIN_JAVA_MAJOR = 17;

/** A Java runtime found on this machine. */
export interface JavaRuntime {
  /** Absolute or PATH-relative `java` executable. */
  executable: string;
  /** Major version, e.g. 17. */
  major: number;
  /** Full version string, e.g. 17.0.15. */
  version: string;
  /** JAVA_HOME to hand to child processes, when known. */
  home?: string;
}

/** Reads the major version out of `java -version` output: `version "17.0.15"` or `version "1.8.0_402"`. */
export function parseJavaVersion(output: string): { major: number; version: string } | undefined {
  const match = /version "([^"]+)"/.exec(output);
  if (!match?.[1]) return undefined;
  const version = match[1];
  const parts = version.split(/[._-]/).map(Number);
  const major = parts[0] === 1 ? parts[1] : parts[0];
  if (major === undefined || Number.isNaN(major)) return undefined;
  return { major, version };
}

/** Finds `java` (JAVA_HOME first, then PATH) and checks it is 17 or newer. */
export async function findJava(env: NodeJS.ProcessEnv = process.env): Promise<JavaRuntime> {
  const home = env.JAVA_HOME;
  const executable = home ? path.join(home, 'bin', 'java') : 'java';
  let output: string;
  try {
    const result = await run(executable, ['-version'], { env });
    output = `${result.stdout}${result.stderr}`;
  } catch {
    throw new ConfigError(
      home
        ? `JAVA_HOME is ${home}, but ${executable} does not run`
        : 'No Java found: `java` is not on the PATH',
      {
        suggestions: [
          `Install a JDK ${MIN_JAVA_MAJOR}+ (for example \`apt-get install openjdk-17-jdk-headless\`)`,
          'or point JAVA_HOME at one',
        ],
      },
    );
  }
  const parsed = parseJavaVersion(output);
  if (!parsed)
    throw new ConfigError(
      `Could not read the Java version from \`${executable} -version\`: ${output.trim()}`,
    );
  if (parsed.major < MIN_JAVA_MAJOR) {
    throw new ConfigError(
      `Java ${parsed.version} is too old; Spark 4 and Flink 2 need Java ${MIN_JAVA_MAJOR} or newer`,
      {
        suggestions: [`Install a JDK ${MIN_JAVA_MAJOR}+ and put it first on the PATH or in JAVA_HOME`],
      },
    );
  }
  return { executable, major: parsed.major, version: parsed.version, home };
}

/** The package root (where `jobs/` lives), whether run from `src/` with tsx or from `dist/`. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('crypto-bench package root not found');
    dir = parent;
  }
  return dir;
}

/** Java modules of `jobs/` that the CLI launches. */
export type JobModule = 'spark-job' | 'flink-job' | 'baseline-job' | 'kafka-broker';

/** Paths of one built module: its jar (absent for kafka-broker) and its dependency folder. */
export function modulePaths(module: JobModule, root = packageRoot()) {
  const target = path.join(root, 'jobs', module, 'target');
  return { jar: path.join(target, `${module}.jar`), lib: path.join(target, 'lib'), target };
}

/** The classpath of a built module: its jar and every jar it depends on. */
export function moduleClasspath(module: JobModule, root = packageRoot()): string {
  const { jar, lib } = modulePaths(module, root);
  const entries = module === 'kafka-broker' ? [] : [jar];
  return [...entries, path.join(lib, '*')].join(path.delimiter);
}

/** True when every module the CLI launches has been built. */
export function jobsBuilt(root = packageRoot()): boolean {
  const modules: JobModule[] = ['spark-job', 'flink-job', 'baseline-job', 'kafka-broker'];
  return modules.every((module) => {
    const { jar, lib } = modulePaths(module, root);
    return existsSync(lib) && (module === 'kafka-broker' || existsSync(jar));
  });
}

/** JVM options every job needs on Java 17+ (the `--add-opens` set of Spark's and Flink's launchers). */
export function jvmOptions(root = packageRoot()): string[] {
  const file = path.join(root, 'jobs', 'jvm.options');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Version of a library read from its jar name in a module's lib folder, e.g. `kafka_2.13` -> `4.1.2`. */
export function jarVersion(module: JobModule, artifact: string, root = packageRoot()): string | undefined {
  const { lib } = modulePaths(module, root);
  if (!existsSync(lib)) return undefined;
  const prefix = `${artifact}-`;
  const jar = readdirSync(lib).find(
    (name) => name.startsWith(prefix) && /^\d/.test(name.slice(prefix.length)),
  );
  return jar?.slice(prefix.length, -'.jar'.length);
}
