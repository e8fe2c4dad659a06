import { describe, expect, it } from 'vitest';
import { formatValue } from './compare.js';
import { renderMarkdownTable } from './table.js';

describe('formatValue', () => {
  it('shows microseconds as milliseconds, bytes as MiB and rates per second', () => {
    expect(formatValue(1_234_567, 'us')).toBe('1234.6 ms');
    expect(formatValue(250, 'us')).toBe('0.25 ms');
    expect(formatValue(-1500, 'us')).toBe('-1.5 ms');
    expect(formatValue(512 * 2 ** 20, 'bytes')).toBe('512 MiB');
    expect(formatValue(999.6, 'events_per_sec')).toBe('1000/s');
    expect(formatValue(null, 'us')).toBe('-');
  });
});

describe('renderMarkdownTable', () => {
  it('renders a header rule and escapes pipes', () => {
    expect(renderMarkdownTable(['a', 'b'], [['x|y', 1]])).toBe('| a | b |\n| --- | --- |\n| x\\|y | 1 |');
  });
});
