import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InfrastructureError, JobFailureError, describe } from '../errors.js';

/** What the JobManager says about its TaskManagers (`GET /overview`). */
export interface FlinkOverview {
  taskmanagers: number;
  'slots-available': number;
  'flink-version': string;
}

/**
 * The Flink JobManager's REST API, as far as crypto-bench uses it: the cluster overview, uploading the job's
 * jar (`POST /jars/upload`), running it (`POST /jars/:id/run`), a job's state and failure, and cancelling it.
 */
export class FlinkRest {
  /** `timeoutMs`: how long one request may take (a health probe wants seconds, an upload minutes). */
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 120_000,
  ) {}

  /** The cluster overview, or undefined while the JobManager does not answer. */
  async overview(): Promise<FlinkOverview | undefined> {
    try {
      return (await this.request('GET', '/overview')) as FlinkOverview;
    } catch {
      return undefined;
    }
  }

  /** Uploads a jar; returns its id on the JobManager. */
  async uploadJar(file: string): Promise<string> {
    const form = new FormData();
    const blob = new Blob([readFileSync(file)], { type: 'application/x-java-archive' });
    form.append('jarfile', blob, path.basename(file));
    const response = (await this.request('POST', '/jars/upload', form)) as { filename?: string };
    if (!response.filename)
      throw new InfrastructureError(`The Flink JobManager did not take the jar ${file}`);
    return path.basename(response.filename);
  }

  /** True when the JobManager still has this jar. */
  async hasJar(jarId: string): Promise<boolean> {
    const response = (await this.request('GET', '/jars')) as { files?: { id: string }[] };
    return (response.files ?? []).some((jar) => jar.id === jarId);
  }

  /** Runs the main class of an uploaded jar (in the JobManager); returns the id of the job it submitted. */
  async runJar(
    jarId: string,
    entryClass: string,
    programArgsList: string[],
    parallelism: number,
  ): Promise<string> {
    const response = (await this.request('POST', `/jars/${encodeURIComponent(jarId)}/run`, {
      entryClass,
      programArgsList,
      parallelism,
    })) as { jobid?: string };
    if (!response.jobid) throw new JobFailureError('The Flink JobManager ran the job but returned no job id');
    return response.jobid;
  }

  /** A job's state (RUNNING, FAILED, ...), or undefined when the JobManager does not know it. */
  async jobState(jobId: string): Promise<string | undefined> {
    try {
      return ((await this.request('GET', `/jobs/${jobId}`)) as { state?: string }).state;
    } catch {
      return undefined;
    }
  }

  /** The exception that failed (or last restarted) a job, for error messages. */
  async rootException(jobId: string): Promise<string> {
    try {
      const response = (await this.request('GET', `/jobs/${jobId}/exceptions`)) as {
        exceptionHistory?: { entries?: { stacktrace?: string }[] };
      };
      const trace = response.exceptionHistory?.entries?.[0]?.stacktrace ?? '(no exception recorded)';
      return trace.split('\n').slice(0, 12).join('\n');
    } catch (error) {
      return `(could not read the job's exceptions: ${describe(error)})`;
    }
  }

  /** The parallelism of each of a job's vertices and the TaskManagers its subtasks run on. */
  async jobPlacement(
    jobId: string,
  ): Promise<{ name: string; parallelism: number; taskmanagers: string[] }[]> {
    const job = (await this.request('GET', `/jobs/${jobId}`)) as {
      vertices?: { id: string; name: string; parallelism: number }[];
    };
    const vertices = job.vertices ?? [];
    return Promise.all(
      vertices.map(async (vertex) => {
        const detail = (await this.request('GET', `/jobs/${jobId}/vertices/${vertex.id}`)) as {
          subtasks?: { 'taskmanager-id'?: string; endpoint?: string }[];
        };
        const taskmanagers = (detail.subtasks ?? []).map((s) => s['taskmanager-id'] ?? s.endpoint ?? '?');
        return {
          name: vertex.name,
          parallelism: vertex.parallelism,
          taskmanagers: [...new Set(taskmanagers)],
        };
      }),
    );
  }

  /** Ids and states of every job the cluster knows. */
  async jobs(): Promise<{ id: string; status: string }[]> {
    const response = (await this.request('GET', '/jobs')) as { jobs?: { id: string; status: string }[] };
    return response.jobs ?? [];
  }

  /** Deletes an uploaded jar; a jar already gone is fine. */
  async deleteJar(jarId: string): Promise<void> {
    await this.request('DELETE', `/jars/${encodeURIComponent(jarId)}`).catch(() => undefined);
  }

  /** Cancels a job and waits until it has stopped; a job that already ended is fine. */
  async cancel(jobId: string, timeoutMs = 30_000): Promise<void> {
    await this.request('PATCH', `/jobs/${jobId}?mode=cancel`).catch(() => undefined);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await this.jobState(jobId);
      if (state === undefined || ['CANCELED', 'FAILED', 'FINISHED'].includes(state)) return;
      if (Date.now() > deadline)
        throw new InfrastructureError(`The Flink job ${jobId} did not stop within 30s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  private async request(method: string, route: string, body?: FormData | object): Promise<unknown> {
    const init: RequestInit = { method, signal: AbortSignal.timeout(this.timeoutMs) };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'content-type': 'application/json' };
    }
    const response = await fetch(`${this.baseUrl}${route}`, init);
    const text = await response.text();
    if (!response.ok) {
      const errors = safeJson(text) as { errors?: string[] } | undefined;
      const message = (errors?.errors ?? [text]).join('\n').split('\n').slice(0, 15).join('\n');
      throw new JobFailureError(
        `Flink REST ${method} ${route.split('?')[0]} answered ${response.status}: ${message}`,
      );
    }
    return safeJson(text) ?? {};
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
