import { describe } from '../errors.js';
import { batchesOf, type BatchQueue } from './batch-queue.js';
import { nowUs } from './clock.js';
import { parseIsoTimeUs } from './iso-time.js';
import {
  copyStats,
  emptyStats,
  noteError,
  noteUnknownPair,
  type SourceStats,
  type Tick,
  type TickSource,
} from './source.js';
import { backoffDelayMs, sleepMs, sleepUntilUs, type BackoffOptions } from './timing.js';

/** Coinbase Exchange's public REST API. */
export const COINBASE_REST_URL = 'https://api.exchange.coinbase.com';
/** Coinbase rejects requests without a User-Agent. */
const USER_AGENT = 'crypto-bench (+https://github.com/crypto-bench)';

/** Options of the REST polling source. */
export interface CoinbaseRestOptions {
  /** Pairs (Coinbase product ids) to poll. */
  pairs: readonly string[];
  /** API root; tests point it at a local stand-in. Default {@link COINBASE_REST_URL}. */
  baseUrl?: string;
  /** Time between polls of each pair. Default 10 s, as the original pipeline polled. */
  intervalMs?: number;
  /** Time allowed for one request, body included. Default 5 s. */
  timeoutMs?: number;
  /** Retries of one poll after 429, 5xx, timeouts or network errors before skipping it. Default 4. */
  maxRetries?: number;
  /** Backoff between retries when the server gives no Retry-After. Default 500 ms doubling up to 8 s. */
  backoff?: BackoffOptions;
  /** Longest Retry-After honoured; longer ones are cut to this. Default 60 s. */
  maxRetryAfterMs?: number;
}

/** Outcome of one HTTP attempt. */
type Attempt =
  | { kind: 'tick'; tick: Tick; tradeId: number }
  | { kind: 'retry'; reason: string; delayMs?: number }
  | { kind: 'skip' }
  | { kind: 'unknown' }
  | { kind: 'aborted' };

/**
 * Polls Coinbase Exchange's ticker, `GET /products/<PAIR>/ticker`, for each pair every `intervalMs`.
 *
 * The original pipeline polled `api.coinbase.com/v2/prices/<PAIR>/spot`, which returns only a price with no size
 * and no time. The Exchange ticker returns the last trade (`trade_id, price, size, time, bid, ask, volume`), so
 * price, size and the exchange's trade time are all real. Each pair polls on its own fixed schedule
 * (`start + k * interval`): the tick's `intendedAtUs` is the poll's scheduled time, its `eventTimeUs` the trade
 * time. A poll returning the same trade as the previous one is counted as a duplicate and not sent again
 * (re-sending it would double the trade's volume in the aggregates). A poll that overruns its interval skips
 * the slots it missed rather than bunching requests at a rate-limited API.
 */
export class CoinbaseRestSource implements TickSource {
  /** Source kind. */
  readonly name = 'coinbase-rest';
  /** Ticks follow the exchange, not a schedule. */
  readonly openLoop = false;
  /** Pairs polled. */
  readonly pairs: readonly string[];
  private readonly counters = emptyStats();
  private readonly baseUrl: string;

  /** See {@link CoinbaseRestOptions}. */
  constructor(private readonly options: CoinbaseRestOptions) {
    this.pairs = [...options.pairs];
    this.baseUrl = (options.baseUrl ?? COINBASE_REST_URL).replace(/\/+$/, '');
  }

  /** Batches of new ticks as polls complete, until every pair is dropped or `signal` is aborted. */
  ticks(signal: AbortSignal): AsyncGenerator<Tick[]> {
    const startUs = nowUs();
    return batchesOf<Tick>(signal, (queue, stop) =>
      Promise.all(this.pairs.map((pair) => this.pollPair(pair, startUs, queue, stop))),
    );
  }

  /** A snapshot of the counters. */
  stats(): SourceStats {
    return copyStats(this.counters);
  }

  private async pollPair(pair: string, startUs: number, queue: BatchQueue<Tick>, signal: AbortSignal) {
    const intervalUs = (this.options.intervalMs ?? 10_000) * 1000;
    let lastTradeId: number | undefined;
    for (let slot = 0; !signal.aborted;) {
      const intendedAtUs = startUs + slot * intervalUs;
      await sleepUntilUs(intendedAtUs, signal);
      if (signal.aborted) return;
      const outcome = await this.poll(pair, intendedAtUs, signal);
      if (outcome === 'unknown') {
        noteUnknownPair(this.counters, pair);
        noteError(this.counters, `${pair}: Coinbase does not know this pair; dropped from the run`);
        return;
      }
      if (outcome && outcome.tradeId === lastTradeId) this.counters.duplicates += 1;
      else if (outcome) {
        lastTradeId = outcome.tradeId;
        queue.push(outcome.tick);
      }
      slot = Math.max(slot + 1, Math.ceil((nowUs() - startUs) / intervalUs));
    }
  }

  /** One poll with its retries: a tick, `unknown`, or undefined when the poll is skipped. */
  private async poll(pair: string, intendedAtUs: number, signal: AbortSignal) {
    const maxRetries = this.options.maxRetries ?? 4;
    for (let attempt = 0; ; attempt++) {
      const result = await this.attempt(pair, intendedAtUs, signal);
      if (result.kind === 'tick') return result;
      if (result.kind === 'unknown') return 'unknown';
      if (result.kind !== 'retry') return undefined;
      if (attempt >= maxRetries) {
        noteError(this.counters, `${result.reason}; skipped this poll after ${attempt + 1} attempts`);
        return undefined;
      }
      noteError(this.counters, result.reason);
      this.counters.retries += 1;
      const backoff = this.options.backoff ?? { baseMs: 500, maxMs: 8_000 };
      await sleepMs(result.delayMs ?? backoffDelayMs(attempt, backoff), signal);
      if (signal.aborted) return undefined;
    }
  }

  private async attempt(pair: string, intendedAtUs: number, signal: AbortSignal): Promise<Attempt> {
    const timeoutMs = this.options.timeoutMs ?? 5_000;
    const url = `${this.baseUrl}/products/${encodeURIComponent(pair)}/ticker`;
    this.counters.requests += 1;
    let response: Response;
    let body: string;
    try {
      const requestSignal = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
      response = await fetch(url, {
        signal: requestSignal,
        headers: { accept: 'application/json', 'user-agent': USER_AGENT },
      });
      body = await response.text();
    } catch (error) {
      if (signal.aborted) return { kind: 'aborted' };
      if (error instanceof Error && error.name === 'TimeoutError') {
        this.counters.timeouts += 1;
        return { kind: 'retry', reason: `${pair}: no answer within ${timeoutMs}ms` };
      }
      return { kind: 'retry', reason: `${pair}: ${url}: ${describeFetchError(error)}` };
    }
    return this.interpret(pair, intendedAtUs, response, body);
  }

  private interpret(pair: string, intendedAtUs: number, response: Response, body: string): Attempt {
    const { status } = response;
    if (status === 429) {
      this.counters.http429 += 1;
      const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'), Date.now());
      const delayMs =
        retryAfterMs === undefined
          ? undefined
          : Math.min(retryAfterMs, this.options.maxRetryAfterMs ?? 60_000);
      return { kind: 'retry', reason: `${pair}: HTTP 429 Too Many Requests`, delayMs };
    }
    if (status >= 500) {
      this.counters.http5xx += 1;
      return { kind: 'retry', reason: `${pair}: HTTP ${status}` };
    }
    if (status === 404 || /"message"\s*:\s*"NotFound"/.test(body)) return { kind: 'unknown' };
    if (status !== 200) {
      noteError(this.counters, `${pair}: HTTP ${status} ${body.slice(0, 200)}`);
      return { kind: 'skip' };
    }
    const parsed = parseTicker(body, pair, intendedAtUs);
    if (typeof parsed === 'string') {
      this.counters.malformed += 1;
      noteError(this.counters, `${pair}: malformed ticker (${parsed})`);
      return { kind: 'skip' };
    }
    return { kind: 'tick', ...parsed };
  }
}

const DECIMAL = /^\d+(\.\d+)?$/;

/** Reads an Exchange ticker body into a tick, or says what is wrong with it. */
export function parseTicker(
  body: string,
  pair: string,
  intendedAtUs: number,
): { tick: Tick; tradeId: number } | string {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return `not JSON: ${JSON.stringify(body.slice(0, 80))}`;
  }
  if (typeof value !== 'object' || value === null) return 'not a JSON object';
  const { trade_id: tradeId, price, size, time } = value as Record<string, unknown>;
  if (typeof price !== 'string' || !DECIMAL.test(price)) return '"price" is not a decimal string';
  if (typeof size !== 'string' || !DECIMAL.test(size)) return '"size" is not a decimal string';
  if (typeof tradeId !== 'number' || !Number.isSafeInteger(tradeId)) return '"trade_id" is not an integer';
  const eventTimeUs = typeof time === 'string' ? parseIsoTimeUs(time) : undefined;
  if (eventTimeUs === undefined) return '"time" is not an ISO-8601 timestamp';
  return { tick: { symbol: pair, price, size, eventTimeUs, intendedAtUs }, tradeId };
}

/**
 * Reads a Retry-After header (RFC 9110: delay in seconds, or an HTTP date) as milliseconds from `nowMs`;
 * undefined when absent or unreadable, 0 for a date in the past.
 */
export function parseRetryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const dateMs = Date.parse(text);
  return Number.isNaN(dateMs) ? undefined : Math.max(0, dateMs - nowMs);
}

function describeFetchError(error: unknown): string {
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? describe(error);
}
