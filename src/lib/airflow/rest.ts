import { InfrastructureError, describe } from '../errors.js';
import { AIRFLOW_USER } from './settings.js';

/** One DAG as Airflow's REST API lists it. */
export interface DagInfo {
  dag_id: string;
  is_paused: boolean;
  /** File the DAG came from. */
  fileloc?: string;
}

/** One import error (a DAG file that failed to load). */
export interface ImportError {
  filename: string;
  stack_trace: string;
}

/** One DAG run. */
export interface DagRun {
  dag_run_id: string;
  dag_id: string;
  state: 'queued' | 'running' | 'success' | 'failed' | string;
  start_date?: string | null;
  end_date?: string | null;
  data_interval_start?: string | null;
  data_interval_end?: string | null;
}

/** One task instance of a DAG run. */
export interface TaskInstance {
  task_id: string;
  state: string | null;
  try_number: number;
}

/**
 * A client of Airflow 3's public REST API (`/api/v2`), logged in as the stack's admin user through the simple
 * auth manager's token endpoint. Every call fails with an InfrastructureError naming the endpoint and status.
 */
export class AirflowClient {
  private token?: string;

  constructor(
    /** `http://host:port` of the API server. */
    readonly baseUrl: string,
    private readonly password: string,
  ) {}

  /** True when the API server answers its health endpoint. */
  async healthy(): Promise<boolean> {
    try {
      const response = await fetch(`${this.baseUrl}/api/v2/monitor/health`, {
        signal: AbortSignal.timeout(2000),
      });
      return response.ok;
    } catch {
      return false;
    }
  }

  /** The DAGs whose id contains `pattern`. */
  async dags(pattern = 'crypto_bench'): Promise<DagInfo[]> {
    const body = await this.call<{ dags: DagInfo[] }>(
      'GET',
      `/dags?dag_id_pattern=${encodeURIComponent(pattern)}&limit=100`,
    );
    return body.dags;
  }

  /** Every DAG file that failed to import, with Airflow's stack trace. */
  async importErrors(): Promise<ImportError[]> {
    const body = await this.call<{ import_errors: ImportError[] }>('GET', '/importErrors?limit=100');
    return body.import_errors;
  }

  /** Pauses or unpauses a DAG. */
  async setPaused(dagId: string, paused: boolean): Promise<void> {
    await this.call('PATCH', `/dags/${dagId}`, { is_paused: paused });
  }

  /** Triggers a run now; `dataInterval` gives it an explicit data interval (ISO-8601 start and end). */
  async trigger(
    dagId: string,
    conf: Record<string, unknown>,
    dataInterval?: [string, string],
  ): Promise<DagRun> {
    const body: Record<string, unknown> = { conf, logical_date: dataInterval ? dataInterval[1] : null };
    if (dataInterval) {
      body.data_interval_start = dataInterval[0];
      body.data_interval_end = dataInterval[1];
    }
    return this.call<DagRun>('POST', `/dags/${dagId}/dagRuns`, body);
  }

  /** One DAG run. */
  dagRun(dagId: string, runId: string): Promise<DagRun> {
    return this.call<DagRun>('GET', `/dags/${dagId}/dagRuns/${encodeURIComponent(runId)}`);
  }

  /** The task instances of a DAG run. */
  async taskInstances(dagId: string, runId: string): Promise<TaskInstance[]> {
    const body = await this.call<{ task_instances: TaskInstance[] }>(
      'GET',
      `/dags/${dagId}/dagRuns/${encodeURIComponent(runId)}/taskInstances`,
    );
    return body.task_instances;
  }

  /** The log lines of one try of a task, as text. */
  async taskLog(dagId: string, runId: string, taskId: string, tryNumber: number): Promise<string[]> {
    const body = await this.call<{ content: unknown }>(
      'GET',
      `/dags/${dagId}/dagRuns/${encodeURIComponent(runId)}/taskInstances/${taskId}/logs/${tryNumber}?full_content=true`,
    );
    return logLines(body.content);
  }

  /** Clears task instances of a run, so the scheduler runs them again. */
  async clearTasks(dagId: string, runId: string, taskIds: string[]): Promise<void> {
    await this.call('POST', `/dags/${dagId}/clearTaskInstances`, {
      dag_run_id: runId,
      task_ids: taskIds,
      dry_run: false,
      only_failed: false,
      reset_dag_runs: true,
    });
  }

  /** Sets an Airflow Variable (created when missing). */
  async setVariable(key: string, value: string): Promise<void> {
    try {
      await this.call('PATCH', `/variables/${encodeURIComponent(key)}`, { key, value });
    } catch {
      await this.call('POST', '/variables', { key, value });
    }
  }

  /** The return value (XCom) of a task in a run. */
  async returnValue<T>(dagId: string, runId: string, taskId: string): Promise<T> {
    const body = await this.call<{ value: T }>(
      'GET',
      `/dags/${dagId}/dagRuns/${encodeURIComponent(runId)}/taskInstances/${taskId}/xcomEntries/return_value?deserialize=true`,
    );
    return body.value;
  }

  private async call<T>(method: string, endpoint: string, body?: unknown): Promise<T> {
    const url = `${this.baseUrl}/api/v2${endpoint}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${await this.login()}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        // Generous: on a loaded 2-core machine the single API worker can take tens of seconds.
        signal: AbortSignal.timeout(120_000),
      });
    } catch (error) {
      throw new InfrastructureError(
        `Airflow's API server at ${this.baseUrl} did not answer ${method} ${endpoint} (${describe(error)})`,
        {
          suggestions: ['Check `crypto-bench airflow status`; start it with `crypto-bench airflow up`'],
        },
      );
    }
    const text = await response.text();
    if (!response.ok) {
      throw new InfrastructureError(
        `Airflow refused ${method} ${endpoint}: HTTP ${response.status} ${text.slice(0, 500)}`,
      );
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private async login(): Promise<string> {
    if (this.token) return this.token;
    const response = await fetch(`${this.baseUrl}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: AIRFLOW_USER, password: this.password }),
      signal: AbortSignal.timeout(60_000),
    });
    if (!response.ok) {
      throw new InfrastructureError(
        `Airflow refused the login of ${AIRFLOW_USER}: HTTP ${response.status} ${await response.text()}`,
      );
    }
    this.token = ((await response.json()) as { access_token: string }).access_token;
    return this.token;
  }
}

/**
 * Airflow 3 serves a task log as structured entries (`{timestamp, level, event, ...}`) or, from older
 * handlers, as text; both become lines `timestamp level event`.
 */
export function logLines(content: unknown): string[] {
  if (typeof content === 'string') return content.split('\n');
  if (!Array.isArray(content)) return [];
  return content.flatMap((entry) => {
    if (typeof entry === 'string') return entry.split('\n');
    if (typeof entry !== 'object' || entry === null) return [];
    const { timestamp, level, event, error_detail: detail } = entry as Record<string, unknown>;
    const head = [timestamp, level === undefined ? undefined : String(level).toUpperCase(), event]
      .filter((part) => part !== undefined && part !== null && part !== '')
      .join(' ');
    const trace = Array.isArray(detail)
      ? detail.flatMap((d) => {
          const { exc_type: type, exc_value: value } = d as Record<string, unknown>;
          return type ? [`  ${String(type)}: ${String(value ?? '')}`] : [];
        })
      : [];
    return [head, ...trace];
  });
}
