// The freshness rule of step-up re-authentication: an authentication of the last five minutes, none from the future.
import { describe, expect, it } from 'vitest';
import { hasFreshAuthentication, STEP_UP_MAX_AGE_MS } from '../../../services/auth/index.js';

const now = new Date('2026-03-01T12:00:00Z');
const ago = (ms: number) => ({ authTime: now.getTime() - ms });

describe('hasFreshAuthentication', () => {
  it.each([
    ['a log-in just now', ago(0), true],
    ['a step-up four minutes ago', ago(4 * 60_000), true],
    ['exactly the maximum age', ago(STEP_UP_MAX_AGE_MS), true],
    ['a millisecond past it', ago(STEP_UP_MAX_AGE_MS + 1), false],
    ['an hour ago', ago(3_600_000), false],
    ['a clock a little behind the signer', ago(-4_000), true],
    ['a time far in the future', ago(-3_600_000), false],
    ['a token without auth_time', {}, false],
  ])('%s → %s', (_, actor, fresh) => {
    expect(hasFreshAuthentication(actor, now)).toBe(fresh);
  });
});
