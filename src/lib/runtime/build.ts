import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { JobFailureError } from '../errors.js';
import { tailFile } from './processes.js';
import { packageRoot, type JavaRuntime } from './java.js';

/** Options of a build of `jobs/`. */
export interface BuildOptions {
  /** Java to build with (JAVA_HOME is set from it when known). */
  java: JavaRuntime;
  /** Where the full Maven output goes. */
  logFile: string;
  /** Also run the Java unit tests. */
  runTests?: boolean;
  /** Called with each meaningful line of Maven output (module being built, downloads), for progress. */
  onProgress?: (line: string) => void;
}

/**
 * Builds the Java jobs with the Maven Wrapper (`jobs/mvnw package`): the first build downloads Spark, Flink
 * and Kafka from Maven Central into the local Maven repository, later builds reuse it.
 */
export async function buildJobs(options: BuildOptions, root = packageRoot()): Promise<void> {
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const args = ['-B', '-f', path.join(root, 'jobs', 'pom.xml'), 'package'];
  if (!options.runTests) args.push('-DskipTests');
  const env = { ...process.env, ...(options.java.home ? { JAVA_HOME: options.java.home } : {}) };
  const child = spawn(path.join(root, 'jobs', 'mvnw'), args, { cwd: path.join(root, 'jobs'), env });
  let pending = '';
  const onData = (chunk: Buffer) => {
    log.write(chunk);
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const progress = progressLine(line);
      if (progress) options.onProgress?.(progress);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).catch((error: Error) => {
    throw new JobFailureError(`Could not run the Maven Wrapper jobs/mvnw: ${error.message}`);
  });
  await new Promise((resolve) => log.end(resolve));
  if (code !== 0) {
    throw new JobFailureError(
      `Building the Java jobs failed (exit ${code}):\n${failureExcerpt(options.logFile)}`,
      {
        suggestions: [
          `Full build log: ${options.logFile}`,
          `Rebuild by hand: jobs/mvnw -f jobs/pom.xml package`,
        ],
      },
    );
  }
}

/** Turns a Maven output line into a short progress message, or undefined for noise. */
export function progressLine(line: string): string | undefined {
  const building = /^\[INFO\] Building (.+?) [\d.]+(?:-SNAPSHOT)?\s+\[(\d+\/\d+)\]/.exec(line);
  if (building) return `building ${building[1]} [${building[2]}]`;
  const download = /^Download(?:ing|ed) from [^:]+: \S+\/([^/]+)$/.exec(line.trim());
  if (download) return `downloading ${download[1]}`;
  return undefined;
}

/** The lines around Maven's first error, or the log's tail. */
function failureExcerpt(logFile: string): string {
  const tail = tailFile(logFile, 200).split('\n');
  const firstError = tail.findIndex((line) => line.startsWith('[ERROR]'));
  return (firstError >= 0 ? tail.slice(firstError, firstError + 15) : tail.slice(-15)).join('\n');
}
