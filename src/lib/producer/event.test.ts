import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../config/defaults.js';
import { encodeEvent, EventEncoder, eventJson, type TickEvent } from './event.js';
import { TickGenerator } from './synthetic.js';

const event: TickEvent = {
  v: 1,
  run_id: 'run-20261201-120000-ab12',
  seq: 1_234_567,
  symbol: 'BTC-USD',
  price: '60012.34',
  size: '0.00345678',
  event_time: 1_764_590_400_123_456,
  intended_at: 1_764_590_400_123_456,
  produced_at: 1_764_590_400_124_001,
};

function viaEncoder(e: TickEvent): string {
  return new EventEncoder(e.run_id).json(
    e.seq,
    e.symbol,
    e.price,
    e.size,
    e.event_time,
    e.intended_at,
    e.produced_at,
  );
}

describe('the event contract on the wire', () => {
  it('is these exact bytes for an event (the contract the jobs parse; changing them breaks every engine)', () => {
    expect(encodeEvent(event).toString('utf8')).toBe(
      '{"v":1,"run_id":"run-20261201-120000-ab12","seq":1234567,"symbol":"BTC-USD","price":"60012.34",' +
        '"size":"0.00345678","event_time":1764590400123456,"intended_at":1764590400123456,"produced_at":1764590400124001}',
    );
  });

  it('is written by the template encoder byte for byte as JSON.stringify writes it', () => {
    expect(Buffer.from(viaEncoder(event)).equals(encodeEvent(event))).toBe(true);
  });

  it('is the same text from the encoder for 10,000 synthetic ticks', () => {
    const generator = new TickGenerator(DEFAULTS.pairs, 7);
    for (let seq = 0; seq < 10_000; seq++) {
      const tick = generator.next(1_764_590_400_000_000 + seq * 37);
      const e = {
        ...event,
        seq,
        symbol: tick.symbol,
        price: tick.price,
        size: tick.size,
        event_time: tick.eventTimeUs,
      };
      expect(viaEncoder(e)).toBe(eventJson(e));
    }
  });

  it('is the same text from the encoder for strings that need escaping and numbers of every kind', () => {
    const strings = [
      '',
      'a"b',
      'back\\slash',
      'tab\tnew\nline',
      '\u0000\u001f\u007f',
      'é€😀',
      '\ud800 lone',
      'x\udc00',
      '</script>',
    ];
    const numbers = [
      0,
      -0,
      -5,
      1.5,
      1e21,
      2 ** 53 + 2,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -Number.MAX_VALUE,
    ];
    for (const text of strings) {
      const e = { ...event, run_id: text, symbol: text, price: text, size: text };
      expect(viaEncoder(e)).toBe(eventJson(e));
    }
    for (const value of numbers) {
      const e = { ...event, seq: value, event_time: value, intended_at: value, produced_at: value };
      expect(viaEncoder(e)).toBe(eventJson(e));
    }
  });
});
