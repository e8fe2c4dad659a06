import { describe, expect, it } from 'vitest';
import { newClusterId } from './kafka.js';

describe('newClusterId', () => {
  it('makes a 22-character URL-safe id', () => {
    expect(newClusterId()).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('never starts with a dash, which the storage tool would read as an option', () => {
    const draws = [Buffer.from([0xf8, ...Array(15).fill(1)]), Buffer.from(Array(16).fill(7))];
    expect(Buffer.from([0xf8]).toString('base64url').startsWith('-')).toBe(true);
    expect(newClusterId(() => draws.shift() as Buffer).startsWith('-')).toBe(false);
  });
});
