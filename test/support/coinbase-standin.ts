import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { nowUs } from '../../src/lib/producer/clock.js';
import {
  advance,
  heartbeatFrame,
  invalidProductFrame,
  restTicker,
  subscriptionsFrame,
  tickerFrame,
  type Product,
} from './coinbase-frames.js';
import type { SourceStats, Tick, TickSource } from '../../src/lib/producer/source.js';

/**
 * A local stand-in for Coinbase Exchange (the real API cannot be reached from the test machines): one
 * 127.0.0.1 port serving the REST ticker (`GET /products/<ID>/ticker`) and the WebSocket feed
 * (`subscribe` → `subscriptions`, `ticker`, `heartbeat`, `error`) in the real message formats, with switchable
 * failures. Sources under test talk to it through their ordinary code path with only the base URL changed.
 */

/** A failure the REST side serves instead of the next normal answer. */
export type RestFault =
  /** HTTP 429 with a Retry-After header (seconds or an HTTP date), or none. */
  | { kind: 'rate-limit'; retryAfter?: string }
  /** An HTTP 5xx with Coinbase's error body. Default 503. */
  | { kind: 'server-error'; status?: number }
  /** A correct answer, after `delayMs`: a client with a shorter timeout gives up. */
  | { kind: 'slow'; delayMs: number }
  /** HTTP 200 with the ticker JSON cut in the middle. */
  | { kind: 'truncated' }
  /** HTTP 200 with JSON that is not a ticker. */
  | { kind: 'unexpected' };

/** What the stand-in starts with: products and their prices (default: the five default pairs). */
export interface StandinOptions {
  /** Product id → starting price. */
  products?: Record<string, number>;
  /** Heartbeat period per subscribed product; 0 = none. Default 1000 ms, as Coinbase sends them. */
  heartbeatIntervalMs?: number;
}

const DEFAULT_PRODUCTS = {
  'BTC-USD': 60_000,
  'ETH-USD': 3_000,
  'SOL-USD': 150,
  'ADA-USD': 0.45,
  'DOGE-USD': 0.12,
};

/** A running stand-in; {@link CoinbaseStandin.start} it, `close()` it after the test. */
export class CoinbaseStandin {
  /** REST requests served, in order. */
  readonly restLog: { productId: string; status: number }[] = [];
  /** Subscribe messages received, in order. */
  readonly subscribeLog: { product_ids: string[]; channels: unknown[] }[] = [];
  /** WebSocket connections accepted so far. */
  connections = 0;
  /** When true (default) every REST request returns a new trade; when false, the last trade again. */
  restTradesAdvance = true;
  private readonly products = new Map<string, Product>();
  private readonly faults: RestFault[] = [];
  private readonly subscribers = new Map<WebSocket, string[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private paused = false;
  private readonly port: number;

  private constructor(
    private readonly server: http.Server,
    private readonly wss: WebSocketServer,
    options: StandinOptions,
  ) {
    for (const [id, price] of Object.entries(options.products ?? DEFAULT_PRODUCTS)) {
      this.products.set(id, {
        price,
        tradeId: 100_000,
        sequence: 1_000_000,
        lastSize: '0.01',
        lastTimeUs: nowUs(),
      });
    }
    this.port = (server.address() as AddressInfo).port;
    server.on('request', (request, response) => this.serveRest(request, response));
    wss.on('connection', (socket) => this.serveFeed(socket));
    const heartbeatMs = options.heartbeatIntervalMs ?? 1000;
    if (heartbeatMs > 0) this.every(heartbeatMs, () => this.heartbeats());
  }

  /** Starts the stand-in on 127.0.0.1 on a free port. */
  static async start(options: StandinOptions = {}): Promise<CoinbaseStandin> {
    const server = http.createServer();
    const wss = new WebSocketServer({ server });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new CoinbaseStandin(server, wss, options);
  }

  /** Base URL for the REST source. */
  get restUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** URL for the WebSocket source. */
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Serves `fault` for the next `times` REST requests (after faults queued earlier). */
  failNextRest(fault: RestFault, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push(fault);
  }

  /** A new trade on `productId`, sent as a `ticker` frame to every subscriber of it. */
  trade(productId: string): void {
    const product = this.products.get(productId);
    if (!product) throw new Error(`the stand-in has no product ${productId}`);
    advance(product);
    this.broadcast(productId, tickerFrame(productId, product));
  }

  /** Trades on every product every `intervalMs` until closed. */
  startTrading(intervalMs: number): void {
    this.every(intervalMs, () => {
      for (const id of this.products.keys()) this.trade(id);
    });
  }

  /** Silences the feed (no trades, no heartbeats) so clients see a stale connection; `resume()` undoes it. */
  pause(): void {
    this.paused = true;
  }

  /** Ends a {@link pause}. */
  resume(): void {
    this.paused = false;
  }

  /** Drops every WebSocket connection without a closing handshake, as a network failure would. */
  dropConnections(): void {
    for (const socket of this.subscribers.keys()) socket.terminate();
  }

  /** Sends a frame that is not JSON to every connected client. */
  sendGarbage(text = '{"type":"ticker","product_id":"BTC-U'): void {
    for (const socket of this.subscribers.keys()) socket.send(text);
  }

  /** Open WebSocket connections. */
  get openConnections(): number {
    return this.subscribers.size;
  }

  /** Stops everything, dropping open connections. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.dropConnections();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private every(intervalMs: number, action: () => void): void {
    this.timers.add(setInterval(() => !this.paused && action(), intervalMs));
  }

  private serveRest(request: http.IncomingMessage, response: http.ServerResponse): void {
    const productId = /^\/products\/([^/]+)\/ticker$/.exec(request.url ?? '')?.[1];
    const product = productId === undefined ? undefined : this.products.get(decodeURIComponent(productId));
    const respond = (status: number, body: string, headers: Record<string, string> = {}) => {
      this.restLog.push({ productId: productId ?? '', status });
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      response.end(body);
    };
    if (!product || productId === undefined) return respond(404, '{"message":"NotFound"}');
    const fault = this.faults.shift();
    if (this.restTradesAdvance && fault === undefined) advance(product);
    const body = JSON.stringify(restTicker(product));
    switch (fault?.kind) {
      case undefined:
        return respond(200, body);
      case 'rate-limit':
        return respond(429, '{"message":"Public rate limit exceeded"}', retryAfter(fault.retryAfter));
      case 'server-error':
        return respond(fault.status ?? 503, '{"message":"Internal server error"}');
      case 'truncated':
        return respond(200, body.slice(0, Math.floor(body.length / 2)));
      case 'unexpected':
        return respond(200, '{"result":[],"note":"not a ticker"}');
      case 'slow': {
        const timer = setTimeout(() => !response.destroyed && respond(200, body), fault.delayMs);
        response.on('close', () => clearTimeout(timer));
      }
    }
  }

  private serveFeed(socket: WebSocket): void {
    this.connections += 1;
    this.subscribers.set(socket, []);
    socket.on('close', () => this.subscribers.delete(socket));
    socket.on('message', (data: Buffer) => {
      const message = parseSubscribe(data.toString('utf8'));
      if (message?.type !== 'subscribe') return;
      const productIds = message.product_ids ?? [];
      this.subscribeLog.push({ product_ids: productIds, channels: message.channels ?? [] });
      const invalid = productIds.find((id) => !this.products.has(id));
      if (invalid !== undefined) {
        socket.send(JSON.stringify(invalidProductFrame(invalid)));
        socket.close(1000);
        return;
      }
      this.subscribers.set(socket, productIds);
      socket.send(JSON.stringify(subscriptionsFrame(productIds)));
      // Like Coinbase, the ticker channel opens with each product's latest trade.
      for (const id of productIds)
        socket.send(JSON.stringify(tickerFrame(id, this.products.get(id) as Product)));
    });
  }

  private heartbeats(): void {
    for (const [id, product] of this.products) {
      product.sequence += 1;
      this.broadcast(id, heartbeatFrame(id, product));
    }
  }

  private broadcast(productId: string, frame: object): void {
    const text = JSON.stringify(frame);
    for (const [socket, productIds] of this.subscribers) {
      if (productIds.includes(productId) && socket.readyState === WebSocket.OPEN) socket.send(text);
    }
  }
}

function retryAfter(value: string | undefined): Record<string, string> {
  return value === undefined ? {} : { 'retry-after': value };
}

function parseSubscribe(
  text: string,
): { type?: string; product_ids?: string[]; channels?: unknown[] } | undefined {
  try {
    return JSON.parse(text) as { type?: string; product_ids?: string[]; channels?: unknown[] };
  } catch {
    return undefined;
  }
}

/** What {@link drive} saw. */
export interface DriveResult {
  /** Every tick the source yielded. */
  ticks: Tick[];
  /** The source's counters at the end. */
  stats: SourceStats;
  /** Whether `until` became true before the timeout. */
  reached: boolean;
}

/**
 * Iterates `source` until `until(ticks, stats)` holds (checked on every batch and every 5 ms) or `timeoutMs`
 * passes, then aborts it and waits for it to stop.
 */
export async function drive(
  source: TickSource,
  until: (ticks: Tick[], stats: SourceStats) => boolean,
  timeoutMs = 5000,
): Promise<DriveResult> {
  const controller = new AbortController();
  const ticks: Tick[] = [];
  let reached = false;
  const check = () => {
    if (!reached && until(ticks, source.stats())) {
      reached = true;
      controller.abort();
    }
  };
  const deadline = setTimeout(() => controller.abort(), timeoutMs);
  const poll = setInterval(check, 5);
  try {
    for await (const batch of source.ticks(controller.signal)) {
      ticks.push(...batch);
      check();
    }
  } finally {
    clearTimeout(deadline);
    clearInterval(poll);
  }
  const stats = source.stats();
  return { ticks, stats, reached: reached || until(ticks, stats) };
}

/** A port on 127.0.0.1 where nothing listens (bound for a moment to find it, then closed): connections are refused. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
