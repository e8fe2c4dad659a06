import { describe, expect, it } from 'vitest';
import { nextRestart, SUPERVISION_POLICY } from './supervision-policy.js';

describe('nextRestart', () => {
  it('restarts a service that died for the first time almost at once', () => {
    expect(nextRestart([], 1_000_000)).toEqual({ action: 'restart', delayMs: 500 });
  });

  it('doubles the delay with each restart in the window', () => {
    const now = 1_000_000;
    expect(nextRestart([now - 10_000], now)).toEqual({ action: 'restart', delayMs: 1000 });
    expect(nextRestart([now - 20_000, now - 10_000, now - 5000], now)).toEqual({
      action: 'restart',
      delayMs: 4000,
    });
  });

  it('caps the delay', () => {
    const policy = { ...SUPERVISION_POLICY, maxRestarts: 100 };
    const times = Array.from({ length: 10 }, (_, i) => 1_000_000 - i * 1000);
    expect(nextRestart(times, 1_000_000, policy)).toEqual({ action: 'restart', delayMs: 30_000 });
  });

  it('gives up on a service that keeps crashing, and says so', () => {
    const now = 1_000_000;
    const decision = nextRestart(
      [1, 2, 3, 4, 5].map((i) => now - i * 10_000),
      now,
    );
    expect(decision.action).toBe('give-up');
    expect(decision).toMatchObject({
      reason: expect.stringMatching(/^keeps crashing: 5 restarts within 300s/),
    });
  });

  it('forgets restarts older than the window', () => {
    const now = 10_000_000;
    expect(nextRestart([1, 2, 3, 4, 5], now)).toEqual({ action: 'restart', delayMs: 500 });
  });
});
