import { describe, expect, it } from 'vitest';
import { parseCount } from './flags.js';

describe('container counts (--taskmanagers, --spark-workers)', () => {
  it('reads a whole number from 1 to the most allowed', () => {
    expect(parseCount('1', 16)).toBe(1);
    expect(parseCount(' 4 ', 16)).toBe(4);
    expect(parseCount('16', 16)).toBe(16);
  });

  it('refuses 0, a fraction, a negative number, too many and words, saying what it takes', () => {
    for (const input of ['0', '1.5', '-2', '17', 'two', ''])
      expect(parseCount(input, 16), input).toBe(`"${input}" is not a whole number from 1 to 16`);
  });
});
