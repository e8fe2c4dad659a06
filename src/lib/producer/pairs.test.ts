import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../config/defaults.js';
import { parsePairs, validatePairs } from './pairs.js';

describe('parsePairs', () => {
  it('accepts the default pairs in their order', () => {
    expect(parsePairs(DEFAULTS.pairs.join(','))).toEqual([...DEFAULTS.pairs]);
    expect(parsePairs(' BTC-USD , ETH-EUR ')).toEqual(['BTC-USD', 'ETH-EUR']);
  });

  it('suggests capitals for a lower-case pair', () => {
    expect(parsePairs('btc-usd')).toMatch(/did you mean BTC-USD\?/);
  });

  it('rejects a pair without a quote currency', () => {
    expect(parsePairs('BTC')).toMatch(/"BTC" is not a pair; write BASE-QUOTE/);
    expect(parsePairs('BTC_USD')).toMatch(/not a pair/);
  });

  it('rejects a pair listed twice', () => {
    expect(parsePairs('BTC-USD,ETH-USD,BTC-USD')).toBe('BTC-USD is listed twice; name each pair once');
  });

  it('rejects an empty item and an empty list', () => {
    expect(parsePairs('BTC-USD,,ETH-USD')).toMatch(/empty item/);
    expect(validatePairs([])).toMatch(/no pairs given/);
  });
});
