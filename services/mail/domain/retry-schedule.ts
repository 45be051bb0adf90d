// When a failed message is tried again: exponential backoff with a cap, and when to give up. Pure: time is passed in.

/** Longest wait between two attempts. */
export const MAX_RETRY_DELAY_MS = 6 * 3600_000;

/** The wait after the `attempt`-th failed attempt (1-based): base, 2×base, 4×base … at most six hours. */
export function retryDelayMs(attempt: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)), MAX_RETRY_DELAY_MS);
}

/** What to do after a failed attempt: try again at an instant, or give up after `maxAttempts`. */
export function afterFailure(
  attempt: number,
  now: Date,
  options: { baseMs: number; maxAttempts: number },
): { retryAt: Date } | { giveUp: true } {
  if (attempt >= options.maxAttempts) return { giveUp: true };
  return { retryAt: new Date(now.getTime() + retryDelayMs(attempt, options.baseMs)) };
}
