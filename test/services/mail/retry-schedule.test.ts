import { describe, expect, it } from 'vitest';
import { afterFailure, MAX_RETRY_DELAY_MS, retryDelayMs } from '../../../services/mail/domain/retry-schedule.js';

describe('retry schedule', () => {
  it.each([
    [1, 30_000],
    [2, 60_000],
    [3, 120_000],
    [10, 15_360_000 > MAX_RETRY_DELAY_MS ? MAX_RETRY_DELAY_MS : 15_360_000],
    [1_000, MAX_RETRY_DELAY_MS],
  ])('waits after attempt %i for %i ms', (attempt, delay) => {
    expect(retryDelayMs(attempt, 30_000)).toBe(delay);
  });

  it('gives up after the last attempt', () => {
    const now = new Date('2026-12-07T00:00:00Z');
    expect(afterFailure(3, now, { baseMs: 1000, maxAttempts: 3 })).toEqual({ giveUp: true });
    expect(afterFailure(2, now, { baseMs: 1000, maxAttempts: 3 })).toEqual({ retryAt: new Date(now.getTime() + 2000) });
  });
});
