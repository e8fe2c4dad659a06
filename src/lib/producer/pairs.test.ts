import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../config/defaults.js';
import { checkSymbolsFillPartitions, parsePairs, symbolList, validatePairs } from './pairs.js';

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

describe('symbolList', () => {
  it('takes the five real pairs first, then generates pairs named after their place', () => {
    expect(symbolList(8, DEFAULTS.pairs)).toEqual([...DEFAULTS.pairs, 'SYM06-USD', 'SYM07-USD', 'SYM08-USD']);
    expect(symbolList(120, DEFAULTS.pairs).at(-1)).toBe('SYM120-USD');
  });

  it('keeps the first pairs when asked for fewer, and follows pairs of the user', () => {
    expect(symbolList(2, DEFAULTS.pairs)).toEqual(['BTC-USD', 'ETH-USD']);
    expect(symbolList(3, ['ETH-EUR'])).toEqual(['ETH-EUR', 'SYM02-USD', 'SYM03-USD']);
  });

  it('generates only valid, distinct pairs', () => {
    const symbols = symbolList(1_000, DEFAULTS.pairs);
    expect(new Set(symbols).size).toBe(1_000);
    expect(validatePairs(symbols)).toEqual(symbols);
  });

  it('refuses no symbols', () => {
    expect(() => symbolList(0, DEFAULTS.pairs)).toThrow(/between 1 and/);
  });
});

describe('checkSymbolsFillPartitions', () => {
  it('accepts at least as many symbols as partitions and names the fix otherwise', () => {
    expect(checkSymbolsFillPartitions(5, 3)).toBeUndefined();
    expect(checkSymbolsFillPartitions(6, 6)).toBeUndefined();
    expect(checkSymbolsFillPartitions(5, 8)).toMatch(
      /leave 3 of the 8 partitions empty.*--symbols 8 or more/,
    );
  });
});
