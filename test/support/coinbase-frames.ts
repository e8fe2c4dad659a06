import { nowUs } from '../../src/lib/producer/clock.js';

/**
 * Coinbase Exchange's message formats, as the stand-in serves them: the REST ticker and the WebSocket feed's
 * `subscriptions`, `ticker`, `heartbeat` and `error` messages, with the fields and spellings of the real API.
 */

/** Market state of one product. */
export interface Product {
  /** Last trade price. */
  price: number;
  /** Id of the last trade; grows by one per trade. */
  tradeId: number;
  /** Feed sequence number; grows with every message about the product. */
  sequence: number;
  /** Size of the last trade. */
  lastSize: string;
  /** Time of the last trade, epoch µs. */
  lastTimeUs: number;
}

/** A new trade: next trade id, a small price step, a size, now. */
export function advance(product: Product): void {
  product.tradeId += 1;
  product.sequence += 1;
  product.price *= product.tradeId % 2 === 0 ? 1.0001 : 0.99995;
  product.lastSize = (0.001 * ((product.tradeId % 7) + 1)).toFixed(8);
  product.lastTimeUs = nowUs();
}

function decimals(price: number): number {
  return Math.min(8, Math.max(2, 4 - Math.floor(Math.log10(price))));
}

/** `GET /products/<id>/ticker` as Coinbase Exchange answers it. */
export function restTicker(product: Product): Record<string, unknown> {
  const places = decimals(product.price);
  return {
    ask: (product.price * 1.0001).toFixed(places),
    bid: (product.price * 0.9999).toFixed(places),
    volume: '12345.67890123',
    trade_id: product.tradeId,
    price: product.price.toFixed(places),
    size: product.lastSize,
    time: formatIsoTimeUs(product.lastTimeUs),
    rfq_volume: '0.000000',
  };
}

/** A `ticker` channel message as the Coinbase Exchange feed sends it. */
export function tickerFrame(productId: string, product: Product): Record<string, unknown> {
  const places = decimals(product.price);
  const price = product.price.toFixed(places);
  return {
    type: 'ticker',
    sequence: product.sequence,
    product_id: productId,
    price,
    open_24h: (product.price * 0.98).toFixed(places),
    volume_24h: '12345.67890123',
    low_24h: (product.price * 0.97).toFixed(places),
    high_24h: (product.price * 1.02).toFixed(places),
    volume_30d: '456789.12345678',
    best_bid: (product.price * 0.9999).toFixed(places),
    best_bid_size: '0.50000000',
    best_ask: (product.price * 1.0001).toFixed(places),
    best_ask_size: '0.25000000',
    side: product.tradeId % 2 === 0 ? 'buy' : 'sell',
    time: formatIsoTimeUs(product.lastTimeUs),
    trade_id: product.tradeId,
    last_size: product.lastSize,
  };
}

/** The feed's acknowledgement of a subscription to the ticker and heartbeat channels. */
export function subscriptionsFrame(productIds: string[]): Record<string, unknown> {
  return {
    type: 'subscriptions',
    channels: [
      { name: 'ticker', product_ids: productIds, account_ids: null },
      { name: 'heartbeat', product_ids: productIds, account_ids: null },
    ],
  };
}

/** A `heartbeat` channel message. */
export function heartbeatFrame(productId: string, product: Product): Record<string, unknown> {
  return {
    type: 'heartbeat',
    last_trade_id: product.tradeId,
    product_id: productId,
    sequence: product.sequence,
    time: formatIsoTimeUs(nowUs()),
  };
}

/** The feed's answer to a subscription naming a product it does not list. */
export function invalidProductFrame(productId: string): Record<string, unknown> {
  return { type: 'error', message: 'Failed to subscribe', reason: `${productId} is not a valid product` };
}

/** Formats epoch microseconds as Coinbase does: `2024-05-01T12:34:56.123456Z`. */
export function formatIsoTimeUs(timeUs: number): string {
  const wholeMs = Math.floor(timeUs / 1000);
  const fractionUs = Math.floor(timeUs - Math.floor(timeUs / 1_000_000) * 1_000_000);
  const seconds = new Date(wholeMs).toISOString().slice(0, 19);
  return `${seconds}.${String(fractionUs).padStart(6, '0')}Z`;
}
