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

/** Most symbols `--symbols` can ask for: generated names stay within a pair's ten characters per side. */
export const MAX_SYMBOLS = 100_000;

/**
 * The first `count` symbols of the synthetic source: the given pairs first (by default the five real ones),
 * then generated pairs named after their place, `SYM06-USD`, `SYM07-USD`, … (two digits at least), which the
 * random walk starts at 100. A count below the pairs given keeps the first `count` of them.
 */
export function symbolList(count: number, pairs: readonly string[]): string[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_SYMBOLS) {
    throw new RangeError(`a symbol count is between 1 and ${MAX_SYMBOLS}, got ${count}`);
  }
  const symbols = pairs.slice(0, count);
  const taken = new Set(symbols);
  for (let place = symbols.length + 1; symbols.length < count; place++) {
    const name = `SYM${String(place).padStart(2, '0')}-USD`;
    if (!taken.has(name)) symbols.push(name);
  }
  return symbols;
}

/**
 * Checks that `symbols` fill `partitions`: each symbol stays on one partition to keep its order, so fewer
 * symbols than partitions leaves partitions empty (and stalls the engines' event-time watermarks). Returns a
 * message naming the fix, or undefined when they fit.
 */
export function checkSymbolsFillPartitions(symbols: number, partitions: number): string | undefined {
  if (symbols >= partitions) return undefined;
  return `${symbols} symbols leave ${partitions - symbols} of the ${partitions} partitions empty (each symbol stays on one partition to keep its order); use --symbols ${partitions} or more, or fewer --partitions`;
}
