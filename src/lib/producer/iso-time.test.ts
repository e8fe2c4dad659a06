import { describe, expect, it } from 'vitest';
import { parseIsoTimeUs } from './iso-time.js';

describe('parseIsoTimeUs', () => {
  it('keeps the microseconds of a Coinbase trade time', () => {
    expect(parseIsoTimeUs('2024-05-01T12:34:56.123456Z')).toBe(
      Date.UTC(2024, 4, 1, 12, 34, 56) * 1000 + 123_456,
    );
  });

  it('reads shorter and longer fractions, truncating below the microsecond', () => {
    const wholeUs = Date.UTC(2024, 0, 2, 3, 4, 5) * 1000;
    expect(parseIsoTimeUs('2024-01-02T03:04:05Z')).toBe(wholeUs);
    expect(parseIsoTimeUs('2024-01-02T03:04:05.5Z')).toBe(wholeUs + 500_000);
    expect(parseIsoTimeUs('2024-01-02T03:04:05.123456789Z')).toBe(wholeUs + 123_456);
  });

  it('applies a zone offset', () => {
    expect(parseIsoTimeUs('2024-01-02T05:04:05.000001+02:00')).toBe(
      parseIsoTimeUs('2024-01-02T03:04:05.000001Z'),
    );
  });

  it('rejects anything that is not an ISO timestamp', () => {
    expect(parseIsoTimeUs('yesterday')).toBeUndefined();
    expect(parseIsoTimeUs('2024-01-02 03:04:05Z')).toBeUndefined();
    expect(parseIsoTimeUs('')).toBeUndefined();
  });
});
