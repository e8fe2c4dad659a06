import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPort, CoinbaseStandin, drive } from '../../../test/support/coinbase-standin.js';
import { nowUs } from './clock.js';
import { CoinbaseRestSource, parseRetryAfterMs, type CoinbaseRestOptions } from './coinbase-rest.js';

let standin: CoinbaseStandin;
beforeEach(async () => {
  standin = await CoinbaseStandin.start({ heartbeatIntervalMs: 0 });
});
afterEach(async () => {
  await standin.close();
});

/** The real source, fast timings, pointed at the stand-in. */
function source(options: Partial<CoinbaseRestOptions> = {}): CoinbaseRestSource {
  return new CoinbaseRestSource({
    pairs: ['BTC-USD'],
    baseUrl: standin.restUrl,
    intervalMs: 50,
    timeoutMs: 200,
    backoff: { baseMs: 10, maxMs: 40 },
    ...options,
  });
}

describe('CoinbaseRestSource against the stand-in', () => {
  it('names the endpoint and the error when nothing listens there', async () => {
    const baseUrl = `http://127.0.0.1:${await closedPort()}`;
    const { ticks, stats } = await drive(source({ baseUrl }), (_t, s) => s.retries >= 2);
    expect(ticks).toEqual([]);
    expect(stats.errors.at(-1)).toContain(`BTC-USD: ${baseUrl}/products/BTC-USD/ticker: `);
    expect(stats.errors.at(-1)).toMatch(/ECONNREFUSED|refused/);
  });

  it('polls the Exchange ticker of every pair and keeps the trade time to the microsecond', async () => {
    const startedUs = nowUs();
    const { ticks, stats, reached } = await drive(
      source({ pairs: ['BTC-USD', 'ETH-USD'] }),
      (t) => t.length >= 4,
    );
    expect(reached).toBe(true);
    expect(new Set(ticks.map((tick) => tick.symbol))).toEqual(new Set(['BTC-USD', 'ETH-USD']));
    for (const tick of ticks) {
      expect(tick.price).toMatch(/^\d+\.\d+$/);
      expect(tick.size).toMatch(/^\d+\.\d+$/);
      expect(tick.eventTimeUs).toBeGreaterThanOrEqual(startedUs);
      expect(tick.eventTimeUs).toBeLessThanOrEqual(nowUs());
    }
    // Microseconds survive: Date.parse would have left every event time a multiple of 1000.
    expect(ticks.some((tick) => tick.eventTimeUs % 1000 !== 0)).toBe(true);
    expect(stats).toMatchObject({ retries: 0, malformed: 0, unknownPairs: [] });
  });

  it('polls on a fixed schedule: intended times are whole intervals apart', async () => {
    const { ticks } = await drive(source({ intervalMs: 60 }), (t) => t.length >= 4);
    const gaps = ticks.slice(1).map((tick, i) => tick.intendedAtUs - (ticks[i]?.intendedAtUs ?? 0));
    // A poll that overran its interval (a loaded machine) skips the slots it missed: still whole intervals.
    expect(gaps.every((gapUs) => gapUs > 0 && gapUs % 60_000 === 0)).toBe(true);
  });

  it('honours Retry-After in seconds after HTTP 429', async () => {
    standin.failNextRest({ kind: 'rate-limit', retryAfter: '1' });
    const started = performance.now();
    const { stats, reached } = await drive(source(), (t) => t.length >= 1);
    expect(reached).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(stats).toMatchObject({ http429: 1, retries: 1 });
  });

  it('honours Retry-After given as an HTTP date', async () => {
    standin.failNextRest({ kind: 'rate-limit', retryAfter: new Date(Date.now() + 1500).toUTCString() });
    const started = performance.now();
    const { stats } = await drive(source(), (t) => t.length >= 1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(400);
    expect(stats.http429).toBe(1);
  });

  it('retries 5xx answers with backoff', async () => {
    standin.failNextRest({ kind: 'server-error', status: 503 }, 2);
    standin.failNextRest({ kind: 'server-error', status: 500 });
    const { ticks, stats } = await drive(source(), (t) => t.length >= 1);
    expect(ticks).toHaveLength(1);
    expect(stats).toMatchObject({ http5xx: 3, retries: 3, requests: 4 });
  });

  it('gives up on a poll after the last retry and carries on with the next one', async () => {
    standin.failNextRest({ kind: 'server-error' }, 3);
    const { stats, reached } = await drive(source({ maxRetries: 2 }), (t) => t.length >= 1);
    expect(reached).toBe(true);
    expect(stats.http5xx).toBe(3);
    expect(stats.errors.join('\n')).toMatch(/skipped this poll after 3 attempts/);
  });

  it('retries a request that times out', async () => {
    standin.failNextRest({ kind: 'slow', delayMs: 1_000 });
    const { stats, reached } = await drive(source({ timeoutMs: 100 }), (t) => t.length >= 1);
    expect(reached).toBe(true);
    expect(stats).toMatchObject({ timeouts: 1, retries: 1 });
  });

  it('counts truncated and unexpected JSON as malformed and skips them', async () => {
    standin.failNextRest({ kind: 'truncated' });
    standin.failNextRest({ kind: 'unexpected' });
    const { stats, reached } = await drive(source(), (t) => t.length >= 1);
    expect(reached).toBe(true);
    expect(stats).toMatchObject({ malformed: 2, retries: 0 });
    expect(stats.errors.join('\n')).toMatch(/BTC-USD: malformed ticker \(not JSON/);
  });

  it('drops an unknown pair, reports it and keeps polling the others', async () => {
    const { ticks, stats } = await drive(source({ pairs: ['BTC-USD', 'NOPE-USD'] }), (t) => t.length >= 3);
    expect(stats.unknownPairs).toEqual(['NOPE-USD']);
    expect(ticks.every((tick) => tick.symbol === 'BTC-USD')).toBe(true);
    expect(standin.restLog.filter((entry) => entry.productId === 'NOPE-USD')).toHaveLength(1);
  });

  it('ends when every pair is unknown instead of polling forever', async () => {
    const { ticks, stats } = await drive(source({ pairs: ['NOPE-USD'] }), () => false, 2_000);
    expect(ticks).toEqual([]);
    expect(stats.unknownPairs).toEqual(['NOPE-USD']);
  });

  it('does not send the same trade twice when nothing traded between polls', async () => {
    standin.restTradesAdvance = false;
    const { ticks, stats } = await drive(source(), (_t, s) => s.duplicates >= 2);
    expect(ticks).toHaveLength(1);
    expect(stats.duplicates).toBeGreaterThanOrEqual(2);
  });

  it('counts an unreachable server as retries, never a crash', async () => {
    await standin.close();
    const { ticks, stats } = await drive(source(), (_t, s) => s.retries >= 2);
    expect(ticks).toEqual([]);
    expect(stats.errors.join('\n')).toMatch(/ECONNREFUSED/);
    standin = await CoinbaseStandin.start({ heartbeatIntervalMs: 0 });
  });
});

describe('parseRetryAfterMs', () => {
  it('reads seconds and HTTP dates, and ignores what it cannot read', () => {
    const nowMs = Date.parse('2024-05-01T12:00:00Z');
    expect(parseRetryAfterMs('2', nowMs)).toBe(2_000);
    expect(parseRetryAfterMs('Wed, 01 May 2024 12:00:30 GMT', nowMs)).toBe(30_000);
    expect(parseRetryAfterMs('Wed, 01 May 2024 11:00:00 GMT', nowMs)).toBe(0);
    expect(parseRetryAfterMs('soon', nowMs)).toBeUndefined();
    expect(parseRetryAfterMs(null, nowMs)).toBeUndefined();
  });
});
