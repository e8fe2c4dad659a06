import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPort, CoinbaseStandin, drive } from '../../../test/support/coinbase-standin.js';
import { nowUs } from './clock.js';
import { CoinbaseWsSource, type CoinbaseWsOptions } from './coinbase-ws.js';

let standin: CoinbaseStandin;
beforeEach(async () => {
  standin = await CoinbaseStandin.start({ heartbeatIntervalMs: 20 });
});
afterEach(async () => {
  await standin.close();
});

/** The real source, fast timings, pointed at the stand-in. */
function source(options: Partial<CoinbaseWsOptions> = {}): CoinbaseWsSource {
  return new CoinbaseWsSource({
    pairs: ['BTC-USD', 'ETH-USD'],
    baseUrl: standin.wsUrl,
    staleAfterMs: 300,
    backoff: { baseMs: 10, maxMs: 50 },
    ...options,
  });
}

describe('CoinbaseWsSource against the stand-in', () => {
  it('names the endpoint and the error when nothing listens there, and keeps retrying', async () => {
    const url = `ws://127.0.0.1:${await closedPort()}`;
    const { ticks, stats } = await drive(source({ baseUrl: url }), (_t, s) => s.reconnects >= 2);
    expect(ticks).toEqual([]);
    expect(stats.errors.at(-1)).toMatch(new RegExp(`^WebSocket ${url}: .*ECONNREFUSED`));
  });

  it('subscribes to the ticker and heartbeat channels of its pairs', async () => {
    await drive(source(), (ticks) => ticks.length >= 2);
    expect(standin.subscribeLog[0]).toEqual({
      product_ids: ['BTC-USD', 'ETH-USD'],
      channels: ['ticker', 'heartbeat'],
    });
  });

  it('turns ticker messages into ticks with the trade time as event time and the arrival as intended time', async () => {
    standin.startTrading(10);
    const startedUs = nowUs();
    const { ticks, stats } = await drive(source(), (t, s) => t.length >= 10 && s.heartbeats >= 2);
    for (const tick of ticks) {
      expect(['BTC-USD', 'ETH-USD']).toContain(tick.symbol);
      expect(tick.price).toMatch(/^\d+\.\d+$/);
      expect(tick.size).toMatch(/^\d+\.\d+$/);
      expect(tick.intendedAtUs).toBeGreaterThanOrEqual(tick.eventTimeUs - 1_000_000);
      expect(tick.intendedAtUs).toBeGreaterThanOrEqual(startedUs);
    }
    expect(ticks.some((tick) => tick.eventTimeUs % 1000 !== 0)).toBe(true);
    expect(stats).toMatchObject({ reconnects: 0, malformed: 0 });
  });

  it('reconnects after a dropped connection and does not resend the last trade', async () => {
    const run = drive(source(), (_t, stats) => stats.reconnects >= 1 && stats.duplicates >= 2);
    setTimeout(() => standin.dropConnections(), 50);
    const { ticks, stats, reached } = await run;
    expect(reached).toBe(true);
    // Each connection opens with the latest trade of each pair: sent once, recognised the second time.
    expect(ticks.map((tick) => tick.symbol)).toEqual(['BTC-USD', 'ETH-USD']);
    expect(stats.duplicates).toBe(2);
    expect(standin.connections).toBe(2);
  });

  it('keeps receiving trades after a reconnection', async () => {
    standin.startTrading(10);
    const run = drive(source(), (_t, stats) => stats.reconnects >= 1 && _t.length >= 20);
    setTimeout(() => standin.dropConnections(), 100);
    const { ticks, reached } = await run;
    expect(reached).toBe(true);
    const btcTradeTimes = ticks.filter((tick) => tick.symbol === 'BTC-USD').map((tick) => tick.eventTimeUs);
    expect(btcTradeTimes).toEqual([...btcTradeTimes].sort((a, b) => a - b));
  });

  it('counts a garbage frame as malformed and carries on', async () => {
    standin.startTrading(10);
    const run = drive(source(), (t, stats) => stats.malformed >= 1 && t.length >= 6);
    setTimeout(() => standin.sendGarbage(), 60);
    const { stats, reached } = await run;
    expect(reached).toBe(true);
    expect(stats.reconnects).toBe(0);
    expect(stats.errors.join('\n')).toMatch(/malformed frame/);
  });

  it('replaces a connection that went silent', async () => {
    const run = drive(source(), (_t, stats) => stats.timeouts >= 1 && stats.reconnects >= 1);
    setTimeout(() => standin.pause(), 50);
    setTimeout(() => standin.resume(), 600);
    const { stats, reached } = await run;
    expect(reached).toBe(true);
    expect(stats.errors.join('\n')).toMatch(/no message for 300ms; reconnecting/);
  });

  it('reports an unknown product, drops it and keeps the other pairs', async () => {
    standin.startTrading(10);
    const { ticks, stats, reached } = await drive(
      source({ pairs: ['BTC-USD', 'NOPE-USD'] }),
      (t) => t.length >= 3,
    );
    expect(reached).toBe(true);
    expect(stats.unknownPairs).toEqual(['NOPE-USD']);
    expect(stats.errors.join('\n')).toMatch(/Failed to subscribe \(NOPE-USD is not a valid product\)/);
    expect(ticks.every((tick) => tick.symbol === 'BTC-USD')).toBe(true);
    expect(standin.subscribeLog.map((entry) => entry.product_ids)).toEqual([
      ['BTC-USD', 'NOPE-USD'],
      ['BTC-USD'],
    ]);
  });

  it('ends when no pair is left', async () => {
    const { ticks, stats } = await drive(source({ pairs: ['NOPE-USD'] }), () => false, 2_000);
    expect(ticks).toEqual([]);
    expect(stats.unknownPairs).toEqual(['NOPE-USD']);
    expect(stats.errors.join('\n')).toMatch(/no pair left/);
  });

  it('keeps retrying with backoff while the feed cannot be reached', async () => {
    await standin.close();
    const { ticks, stats } = await drive(source(), (_t, s) => s.reconnects >= 3);
    expect(ticks).toEqual([]);
    expect(stats.errors.join('\n')).toMatch(/ECONNREFUSED/);
    standin = await CoinbaseStandin.start();
  });
});
