import { describe, expect, it } from 'vitest';
import { checkProducers, defaultProducers } from './producers.js';

const synthetic = (rateEventsPerSec: number, symbols = 5, cores = 2) => ({
  source: 'synthetic',
  rateEventsPerSec,
  symbols,
  cores,
});

describe('defaultProducers', () => {
  it('uses one producer thread up to 100,000 events/s and one more per 100,000, at most one per core', () => {
    expect(defaultProducers(synthetic(1_000))).toBe(1);
    expect(defaultProducers(synthetic(100_000))).toBe(1);
    expect(defaultProducers(synthetic(250_000))).toBe(2);
    expect(defaultProducers(synthetic(250_000, 10, 8))).toBe(3);
  });

  it('never uses more threads than symbols, and one for a live source or a replay', () => {
    expect(defaultProducers(synthetic(1_000_000, 2, 8))).toBe(2);
    expect(defaultProducers({ source: 'coinbase-ws', rateEventsPerSec: null, symbols: 5, cores: 2 })).toBe(1);
  });
});

describe('checkProducers', () => {
  it('accepts what the rate and the symbols can use', () => {
    expect(checkProducers(1, synthetic(1_000))).toBeUndefined();
    expect(checkProducers(2, synthetic(250_000))).toBeUndefined();
    expect(checkProducers(5, synthetic(10_000))).toBeUndefined();
  });

  it('refuses no producer, naming the flag', () => {
    expect(checkProducers(0, synthetic(1_000))).toMatch(/^--producers 0: at least one producer/);
  });

  it('refuses more producers than the rate can use, naming the most it can', () => {
    expect(checkProducers(2, synthetic(1_000))).toMatch(
      /^--producers 2: at 1000 events\/s each would send 500\/s; the rate can use at most 1 .*use --producers 1/,
    );
  });

  it('refuses more producers than symbols, suggesting more symbols', () => {
    expect(checkProducers(6, synthetic(1_000_000))).toMatch(
      /^--producers 6: 5 symbols keep at most 5 busy .*add --symbols, or use --producers 5/,
    );
  });

  it('refuses several producers for a source that is read once', () => {
    expect(checkProducers(2, { source: 'replay', rateEventsPerSec: null, symbols: 1, cores: 2 })).toMatch(
      /only the synthetic source splits over producers/,
    );
  });
});
