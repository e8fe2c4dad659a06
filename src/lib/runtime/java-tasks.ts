import path from 'node:path';
import type { ListrTask } from 'listr2';
import { buildJobs } from './build.js';
import { findJava, jobsBuilt, type JavaRuntime } from './java.js';
import { statePaths } from './state.js';

/** What the Java steps of `up` leave in a runtime's task context. */
export interface JavaContext {
  /** The JDK found (on the CLI's host). */
  java?: JavaRuntime;
  /** Wall time of the Java build, when `up` had to build (ms). */
  buildMs?: number;
}

/** `up`'s first step on every runtime: find a JDK 17+ (a clear error naming the fix when there is none). */
export function checkJavaTask<C extends JavaContext>(): ListrTask<C> {
  return {
    title: 'Check Java',
    task: async (c, task) => {
      c.java = await findJava();
      task.title = `Java ${c.java.version}`;
    },
  };
}

/** Builds the Java jobs with the Maven Wrapper unless they are built (the build log in the state directory). */
export function buildJobsTask<C extends JavaContext>(stateDir: string): ListrTask<C> {
  return {
    title: 'Build the Java jobs (first time: downloads Spark, Flink and Kafka from Maven Central)',
    skip: () => jobsBuilt() && 'Java jobs already built',
    task: async (c, task) => {
      const begin = Date.now();
      await buildJobs({
        java: c.java ?? (await findJava()),
        logFile: path.join(statePaths(stateDir).logs, 'build.log'),
        onProgress: (line) => (task.output = line),
      });
      c.buildMs = (c.buildMs ?? 0) + Date.now() - begin;
    },
  };
}
