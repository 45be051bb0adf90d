import { describe, expect, it } from 'vitest';
import { delayAfter } from '../../../services/members/login-throttle.js';

describe('delayAfter', () => {
  it.each([
    [0, 0],
    [4, 0],
    [5, 2],
    [6, 4],
    [7, 8],
    [14, 900],
    [1_000, 900],
  ])('after %i failures (5 free, at most 900 s) waits %i s', (failures, seconds) => {
    expect(delayAfter(failures, 5, 900)).toBe(seconds);
  });

  it('never waits longer than its cap, and never forever', () => {
    for (let failures = 0; failures < 10_000; failures += 97) {
      const delay = delayAfter(failures, 20, 60);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(60);
      expect(Number.isFinite(delay)).toBe(true);
    }
  });
});
