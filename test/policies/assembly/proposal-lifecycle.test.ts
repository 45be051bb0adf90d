import { describe, expect, it } from 'vitest';
import {
  isReminderDue,
  needsFinalising,
  type ProposalTimeline,
  proposalStatus,
  validateBallotTiming,
  validateDeadlineExtension,
  validateEdit,
  validateOpening,
  validateVotingWindow,
  validateWithdrawal,
} from '../../../policies/assembly/proposal-lifecycle.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const openedAt = Date.parse('2025-03-01T12:00:00.000Z');
const closesAt = openedAt + 7 * DAY;

// Builders with overrides, one per lifecycle stage.
const draft = (overrides: Partial<ProposalTimeline> = {}): ProposalTimeline => ({ ...overrides });
const opened = (overrides: Partial<ProposalTimeline> = {}): ProposalTimeline => ({
  openedAt: new Date(openedAt),
  closesAt: new Date(closesAt),
  ...overrides,
});
const accessRules = { votingWindow: { minHours: 168, maxHours: 504 } };

describe('proposal status', () => {
  it.each([
    ['a proposal never opened is a draft', draft(), openedAt, 'draft'],
    ['a withdrawn draft is withdrawn', draft({ withdrawnAt: openedAt }), openedAt, 'withdrawn'],
    ['open from the instant it opens', opened(), openedAt, 'open'],
    ['still open one millisecond before closesAt', opened(), closesAt - 1, 'open'],
    ['closed at exactly closesAt, though no job ran', opened(), closesAt, 'closed'],
    ['closed long after closesAt while not yet finalised', opened(), closesAt + 30 * DAY, 'closed'],
    ['approved once the outcome is stored', opened({ outcome: 'approved' }), closesAt, 'approved'],
    ['rejected once the outcome is stored', opened({ outcome: 'rejected' }), closesAt + DAY, 'rejected'],
    // Another instance with a faster clock may have finalised already; its outcome is final.
    ['a stored outcome wins over a lagging clock', opened({ outcome: 'approved' }), closesAt - 1, 'approved'],
  ] as const)('%s', (_case, proposal, now, status) => {
    expect(proposalStatus(proposal, now)).toBe(status);
  });

  it('accepts Date and epoch milliseconds alike', () => {
    expect(proposalStatus(opened(), new Date(closesAt))).toBe(proposalStatus(opened(), closesAt));
  });

  it.each([
    ['an outcome on a never-opened proposal', draft({ outcome: 'approved' })],
    ['a withdrawal after opening', opened({ withdrawnAt: openedAt })],
    ['an open proposal without a deadline', { openedAt }],
    ['an invalid date', opened({ closesAt: new Date('not a date') })],
  ])('refuses inconsistent data: %s', (_case, proposal) => {
    expect(() => proposalStatus(proposal, closesAt)).toThrow(Error);
  });

  it('needs finalising once closed, and no longer once an outcome is stored', () => {
    expect(needsFinalising(opened(), closesAt - 1)).toBe(false);
    expect(needsFinalising(opened(), closesAt)).toBe(true);
    expect(needsFinalising(opened({ outcome: 'rejected' }), closesAt)).toBe(false);
  });
});

describe('voting window', () => {
  it.each([
    ['exactly the 7-day minimum', 168 * HOUR, { ok: true }],
    ['one millisecond short of the minimum', 168 * HOUR - 1, { ok: false, reason: 'window_too_short' }],
    ['exactly the 21-day maximum', 504 * HOUR, { ok: true }],
    ['one millisecond over the maximum', 504 * HOUR + 1, { ok: false, reason: 'window_too_long' }],
    ['a deadline before the opening', -DAY, { ok: false, reason: 'window_too_short' }],
  ] as const)('%s', (_case, length, expected) => {
    expect(validateVotingWindow(accessRules, openedAt, openedAt + length)).toEqual(expected);
  });
});

describe('deadline extension', () => {
  it('may move the deadline later while open, within the maximum window', () => {
    expect(validateDeadlineExtension(opened(), accessRules, closesAt + DAY, openedAt + DAY)).toEqual({
      ok: true,
    });
  });

  it('may extend up to exactly the maximum window', () => {
    expect(validateDeadlineExtension(opened(), accessRules, openedAt + 504 * HOUR, openedAt)).toEqual({
      ok: true,
    });
  });

  it.each([
    ['never shortened', opened(), closesAt - HOUR, openedAt, 'deadline_not_later'],
    ['not "extended" to the same instant', opened(), closesAt, openedAt, 'deadline_not_later'],
    ['never beyond the maximum window', opened(), openedAt + 504 * HOUR + 1, openedAt, 'window_too_long'],
    ['not once closed', opened(), closesAt + DAY, closesAt, 'proposal_not_open'],
    ['not on a draft', draft(), closesAt + DAY, openedAt, 'proposal_not_open'],
    ['not once finalised', opened({ outcome: 'approved' }), closesAt + DAY, closesAt - 1, 'proposal_not_open'],
  ] as const)('is %s', (_case, proposal, newClosesAt, now, reason) => {
    expect(validateDeadlineExtension(proposal, accessRules, newClosesAt, now)).toEqual({ ok: false, reason });
  });
});

describe('draft-only actions', () => {
  it.each([
    ['draft', draft(), openedAt, true],
    ['open', opened(), openedAt, false],
    ['closed', opened(), closesAt, false],
    ['approved', opened({ outcome: 'approved' }), closesAt, false],
    ['withdrawn', draft({ withdrawnAt: openedAt }), openedAt, false],
  ] as const)('a %s proposal may be withdrawn, edited or opened: %s', (_status, proposal, now, ok) => {
    const expected = ok ? { ok: true } : { ok: false, reason: 'proposal_not_draft' };
    expect(validateWithdrawal(proposal, now)).toEqual(expected);
    expect(validateEdit(proposal, now)).toEqual(expected);
    expect(validateOpening(proposal, now)).toEqual(expected);
  });
});

describe('ballot timing', () => {
  it.each([
    ['refused on a draft', draft(), openedAt, { ok: false, reason: 'proposal_not_open' }],
    [
      'refused on a withdrawn proposal',
      draft({ withdrawnAt: 0 }),
      openedAt,
      { ok: false, reason: 'proposal_not_open' },
    ],
    ['accepted at the opening instant', opened(), openedAt, { ok: true }],
    ['accepted one millisecond before the deadline', opened(), closesAt - 1, { ok: true }],
    ['refused at exactly the deadline', opened(), closesAt, { ok: false, reason: 'voting_closed' }],
    ['refused after finalising', opened({ outcome: 'rejected' }), closesAt + 1, { ok: false, reason: 'voting_closed' }],
  ] as const)('is %s', (_case, proposal, now, expected) => {
    expect(validateBallotTiming(proposal, now)).toEqual(expected);
  });
});

describe('reminders', () => {
  it.each([
    ['not due more than the lead time before the deadline', closesAt - 48 * HOUR - 1, false],
    ['due at exactly the lead time before the deadline', closesAt - 48 * HOUR, true],
    ['due one millisecond before the deadline', closesAt - 1, true],
    ['not due once closed', closesAt, false],
  ] as const)('%s', (_case, now, due) => {
    expect(isReminderDue(opened(), 48, now)).toBe(due);
  });

  it('is never due for a draft', () => {
    expect(isReminderDue(draft(), 48, closesAt - 1)).toBe(false);
  });
});
