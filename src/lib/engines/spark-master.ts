import { InfrastructureError, describe } from '../errors.js';

/** One application as a standalone master's JSON API shows it. */
export interface SparkApp {
  id: string;
  name: string;
  /** Cores the application holds across its executors. */
  cores: number;
  state: string;
}

/** One worker as the master's JSON API shows it. */
export interface SparkWorker {
  id: string;
  host: string;
  state: string;
  coresused: number;
}

/** What the master's web UI answers at `/json/`. */
interface MasterJson {
  status?: string;
  workers?: SparkWorker[];
  activeapps?: SparkApp[];
  completedapps?: SparkApp[];
}

/**
 * A Spark standalone master's web UI, as far as crypto-bench uses it: its status, workers and applications
 * (`GET /json/`), and killing one application (`POST /app/kill/`, the UI's own kill link).
 */
export class SparkMaster {
  constructor(private readonly baseUrl: string) {}

  /** The master's state; fails naming the address when it does not answer. */
  async overview(): Promise<Required<MasterJson>> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/json/`, { signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      throw new InfrastructureError(
        `The Spark master's UI is not reachable at ${this.baseUrl} (${describe(error)})`,
        {
          suggestions: ['Check spark.masterUi in the cluster file'],
        },
      );
    }
    if (!response.ok) {
      throw new InfrastructureError(`The Spark master's UI at ${this.baseUrl} answered ${response.status}`);
    }
    const json = (await response.json()) as MasterJson;
    return {
      status: json.status ?? 'UNKNOWN',
      workers: json.workers ?? [],
      activeapps: json.activeapps ?? [],
      completedapps: json.completedapps ?? [],
    };
  }

  /** The running application of this name, if any. */
  async activeApp(name: string): Promise<SparkApp | undefined> {
    return (await this.overview()).activeapps.find((app) => app.name === name);
  }

  /** Kills one application through the master's UI (needs `spark.ui.killEnabled`, on by default). */
  async kill(appId: string): Promise<void> {
    await fetch(`${this.baseUrl}/app/kill/`, {
      method: 'POST',
      body: new URLSearchParams({ id: appId, terminate: 'true' }),
      signal: AbortSignal.timeout(10_000),
    }).catch(() => undefined);
  }
}
