import { describe, expect, it } from 'vitest';
import { isPolicyActive, type PolicyTimeline, policyStatus } from '../../../policies/research/policy-status.js';

const DAY = 86_400_000;
const validUntil = Date.parse('2026-01-01T00:00:00.000Z');

const policy = (overrides: Partial<PolicyTimeline> = {}): PolicyTimeline => ({
  validUntil: new Date(validUntil),
  ...overrides,
});

describe('policy status', () => {
  it.each([
    ['active before validUntil', policy(), validUntil - 1, 'active'],
    ['expired at exactly validUntil', policy(), validUntil, 'expired'],
    ['revoked from the revocation instant', policy({ revokedAt: validUntil - DAY }), validUntil - DAY, 'revoked'],
    [
      'still active before a recorded revocation takes effect',
      policy({ revokedAt: validUntil - DAY }),
      validUntil - DAY - 1,
      'active',
    ],
    ['superseded by a newer policy', policy({ supersededAt: validUntil - DAY }), validUntil - 1, 'superseded'],
    [
      'expired first, revoked later: stays expired',
      policy({ revokedAt: validUntil + DAY }),
      validUntil + 2 * DAY,
      'expired',
    ],
    [
      'revoked first, then expired: stays revoked',
      policy({ revokedAt: validUntil - DAY }),
      validUntil + DAY,
      'revoked',
    ],
    ['revoked and superseded at once: revoked', policy({ revokedAt: 5, supersededAt: 5 }), 10, 'revoked'],
    ['superseded at its expiry instant: superseded', policy({ supersededAt: validUntil }), validUntil, 'superseded'],
    ['null endings are ignored', policy({ revokedAt: null, supersededAt: null }), validUntil - 1, 'active'],
  ] as const)('%s', (_case, subject, now, status) => {
    expect(policyStatus(subject, now)).toBe(status);
    expect(isPolicyActive(subject, now)).toBe(status === 'active');
  });
});
