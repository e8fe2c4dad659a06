import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { StackConfig } from '../config/stack-config.js';
import { connect } from '../engines/postgres.js';

/**
 * The run's own PostgreSQL connection, made to outlive a restart of PostgreSQL (a `postgres:kill` fault, or a
 * crash the supervisor repairs): a dropped connection is never an unhandled error, and a query that fails on a
 * dead connection is retried on a new one for up to `retryForMs`. Only `query` and `end` are offered: what the
 * run's sampling, drain and summary use.
 */
export class ReconnectingClient {
  private client: pg.Client | undefined;
  /** The connection being made, shared by every query that needs one meanwhile. */
  private connecting: Promise<pg.Client> | undefined;
  /** Set by `end`: a query that arrives later (a monitor sample still in flight) fails instead of reconnecting. */
  private closed = false;

  constructor(
    private readonly config: StackConfig,
    private readonly retryForMs = 120_000,
  ) {}

  /** Runs a query, on a new connection when the last one died; rethrows what is not a connection failure. */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string | pg.QueryConfig,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    const deadline = Date.now() + this.retryForMs;
    for (;;) {
      try {
        const client = await this.connection();
        return await (client.query as (t: unknown, v?: unknown[]) => Promise<pg.QueryResult<R>>)(
          text,
          values,
        );
      } catch (error) {
        if (this.closed || !isConnectionFailure(error) || Date.now() > deadline) throw error;
        this.drop();
        await sleep(500);
      }
    }
  }

  /** Closes the connection, if any. */
  async end(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connection(): Promise<pg.Client> {
    if (this.closed) throw new Error("the run's PostgreSQL client was closed");
    if (this.client) return this.client;
    // One connection at a time: two queries at once (a monitor sample and the drain) must not each open one,
    // or the one not kept would hold the process open after `end`.
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<pg.Client> {
    const client = await connect(this.config);
    if (this.closed) {
      // end() came while this connection was being made: close it rather than leave it holding the process.
      await client.end().catch(() => undefined);
      throw new Error("the run's PostgreSQL client was closed");
    }
    // A server that goes away emits 'error' on an idle client: noted by dropping it, never an unhandled event.
    client.on('error', () => this.client === client && this.drop());
    this.client = client;
    return client;
  }

  private drop(): void {
    const client = this.client;
    this.client = undefined;
    void client?.end().catch(() => undefined);
  }
}

/** True for errors of a connection that died or could not be made (not for SQL errors). */
function isConnectionFailure(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  if (e.code && /^(57P0[123]|08\d\d[0-9A-Z]?|ECONNREFUSED|ECONNRESET|EPIPE)$/.test(e.code)) return true;
  return /Connection terminated|not queryable|connection.*(closed|ended)|ECONNREFUSED|Client was closed/i.test(
    e.message ?? '',
  );
}
