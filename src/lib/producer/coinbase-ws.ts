import WebSocket from 'ws';
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
import { backoffDelayMs, sleepMs, type BackoffOptions } from './timing.js';

/** Coinbase Exchange's public WebSocket feed. */
export const COINBASE_WS_URL = 'wss://ws-feed.exchange.coinbase.com';

/** Options of the WebSocket source. */
export interface CoinbaseWsOptions {
  /** Pairs (Coinbase product ids) to subscribe to. */
  pairs: readonly string[];
  /** Feed URL; tests point it at a local stand-in. Default {@link COINBASE_WS_URL}. */
  baseUrl?: string;
  /** A connection with no message for this long is stale and replaced. Default 15 s (heartbeats come every second). */
  staleAfterMs?: number;
  /** Time allowed for the opening handshake. Default 10 s. */
  connectTimeoutMs?: number;
  /** Backoff between reconnections. Default 500 ms doubling up to 30 s. */
  backoff?: BackoffOptions;
}

/**
 * Trade-by-trade ticks from the Coinbase Exchange feed: subscribes to the `ticker` and `heartbeat` channels and
 * turns each `ticker` message into a tick whose event time is the exchange's trade `time` (with its
 * microseconds) and whose intended time is when it arrived. A dropped or stale connection is replaced with
 * exponential backoff and jitter; after a reconnect the feed repeats each pair's last trade, which is
 * recognised by its `trade_id` and not sent twice. Feed `error` messages naming an invalid product drop that
 * pair; malformed frames are counted and skipped.
 */
export class CoinbaseWsSource implements TickSource {
  /** Source kind. */
  readonly name = 'coinbase-ws';
  /** Ticks follow the exchange, not a schedule. */
  readonly openLoop = false;
  /** Pairs asked for. */
  readonly pairs: readonly string[];
  private readonly counters = emptyStats();
  private readonly lastTradeIds = new Map<string, number>();
  private active: string[];
  private resubscribe = false;

  /** See {@link CoinbaseWsOptions}. */
  constructor(private readonly options: CoinbaseWsOptions) {
    this.pairs = [...options.pairs];
    this.active = [...options.pairs];
  }

  /** Batches of ticks as they arrive, until every pair is dropped or `signal` is aborted. */
  ticks(signal: AbortSignal): AsyncGenerator<Tick[]> {
    return batchesOf<Tick>(signal, (queue, stop) => this.connectLoop(queue, stop));
  }

  /** A snapshot of the counters. */
  stats(): SourceStats {
    return copyStats(this.counters);
  }

  private async connectLoop(queue: BatchQueue<Tick>, signal: AbortSignal): Promise<void> {
    const backoff = this.options.backoff ?? { baseMs: 500, maxMs: 30_000 };
    let failures = 0;
    while (!signal.aborted && this.active.length > 0) {
      const receivedTicks = await this.connectOnce(queue, signal);
      if (signal.aborted || this.active.length === 0) break;
      failures = receivedTicks ? 0 : failures + 1;
      this.counters.reconnects += 1;
      await sleepMs(backoffDelayMs(failures, backoff), signal);
    }
    if (this.active.length === 0) noteError(this.counters, 'no pair left to subscribe to; the feed stopped');
  }

  /** One connection, from opening to closing; resolves whether it delivered any tick. */
  private connectOnce(queue: BatchQueue<Tick>, signal: AbortSignal): Promise<boolean> {
    this.counters.requests += 1;
    const staleAfterMs = this.options.staleAfterMs ?? 15_000;
    const socket = new WebSocket(this.options.baseUrl ?? COINBASE_WS_URL, {
      handshakeTimeout: this.options.connectTimeoutMs ?? 10_000,
    });
    let lastMessageAtMs = Date.now();
    let receivedTicks = false;
    const staleCheck = setInterval(
      () => {
        if (Date.now() - lastMessageAtMs <= staleAfterMs) return;
        this.counters.timeouts += 1;
        noteError(this.counters, `no message for ${staleAfterMs}ms; reconnecting`);
        socket.terminate();
      },
      Math.max(10, Math.min(1000, staleAfterMs / 4)),
    );
    const onAbort = () => socket.close(1000);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('open', () => {
      lastMessageAtMs = Date.now();
      const subscribe = { type: 'subscribe', product_ids: this.active, channels: ['ticker', 'heartbeat'] };
      socket.send(JSON.stringify(subscribe));
    });
    socket.on('message', (data: WebSocket.RawData) => {
      lastMessageAtMs = Date.now();
      const tick = this.handleFrame(rawText(data), nowUs());
      if (tick) {
        receivedTicks = true;
        queue.push(tick);
      }
      if (this.resubscribe) {
        this.resubscribe = false;
        socket.close(1000);
      }
    });
    socket.on('error', (error) =>
      noteError(this.counters, `WebSocket ${this.options.baseUrl ?? COINBASE_WS_URL}: ${error.message}`),
    );
    return new Promise((resolve) => {
      socket.on('close', () => {
        clearInterval(staleCheck);
        signal.removeEventListener('abort', onAbort);
        resolve(receivedTicks);
      });
    });
  }

  /** Interprets one frame; returns the tick it carries, if any. */
  private handleFrame(text: string, receivedAtUs: number): Tick | undefined {
    let message: Record<string, unknown>;
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value !== 'object' || value === null) throw new TypeError('not an object');
      message = value as Record<string, unknown>;
    } catch {
      this.counters.malformed += 1;
      noteError(this.counters, `malformed frame: ${JSON.stringify(text.slice(0, 80))}`);
      return undefined;
    }
    if (message.type === 'ticker') return this.readTicker(message, receivedAtUs);
    if (message.type === 'heartbeat') this.counters.heartbeats += 1;
    if (message.type === 'error') this.readError(message);
    return undefined;
  }

  private readTicker(message: Record<string, unknown>, receivedAtUs: number): Tick | undefined {
    const { product_id: symbol, price, last_size: size, time, trade_id: tradeId } = message;
    const eventTimeUs = typeof time === 'string' ? parseIsoTimeUs(time) : undefined;
    if (
      typeof symbol !== 'string' ||
      typeof price !== 'string' ||
      !DECIMAL.test(price) ||
      typeof size !== 'string' ||
      !DECIMAL.test(size) ||
      typeof tradeId !== 'number' ||
      eventTimeUs === undefined
    ) {
      this.counters.malformed += 1;
      noteError(this.counters, `malformed ticker: ${JSON.stringify(message).slice(0, 120)}`);
      return undefined;
    }
    const lastTradeId = this.lastTradeIds.get(symbol);
    if (lastTradeId !== undefined && tradeId <= lastTradeId) {
      this.counters.duplicates += 1;
      return undefined;
    }
    this.lastTradeIds.set(symbol, tradeId);
    return { symbol, price, size, eventTimeUs, intendedAtUs: receivedAtUs };
  }

  /** `{"type":"error","message":"Failed to subscribe","reason":"FOO-USD is not a valid product"}` */
  private readError(message: Record<string, unknown>): void {
    const reason = typeof message.reason === 'string' ? message.reason : '';
    noteError(this.counters, `feed error: ${String(message.message)}${reason ? ` (${reason})` : ''}`);
    const invalid = /^(\S+) is not a valid product/.exec(reason)?.[1];
    if (invalid === undefined) return;
    noteUnknownPair(this.counters, invalid);
    this.active = this.active.filter((pair) => pair !== invalid);
    // The whole subscription failed: reconnect and subscribe to the remaining pairs.
    this.resubscribe = true;
  }
}

const DECIMAL = /^\d+(\.\d+)?$/;

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return Buffer.from(data).toString('utf8');
}
