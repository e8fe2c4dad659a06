import { parseList } from '../config/units.js';

const PAIR_PATTERN = /^[A-Z0-9]{2,10}-[A-Z0-9]{2,10}$/;

/**
 * Checks a list of pairs: each `BASE-QUOTE` in upper-case letters and digits (as Coinbase spells product ids),
 * no duplicates, at least one. Returns the pairs in the given order (it fixes their partitions), or a message
 * saying what is wrong, so the flag parser can name the flag.
 */
export function validatePairs(pairs: readonly string[]): string[] | string {
  if (pairs.length === 0) return 'no pairs given; name at least one, e.g. BTC-USD';
  const seen = new Set<string>();
  for (const pair of pairs) {
    if (!PAIR_PATTERN.test(pair)) {
      const upper = pair.toUpperCase();
      const hint = PAIR_PATTERN.test(upper) ? `; did you mean ${upper}?` : '';
      return `"${pair}" is not a pair; write BASE-QUOTE in capitals, e.g. BTC-USD${hint}`;
    }
    if (seen.has(pair)) return `${pair} is listed twice; name each pair once`;
    seen.add(pair);
  }
  return [...pairs];
}

/** Parses `--pairs BTC-USD,ETH-USD` into validated pairs, or a message saying what is wrong. */
export function parsePairs(text: string): string[] | string {
  const items = parseList(text);
  if (typeof items === 'string') return items;
  return validatePairs(items);
}
