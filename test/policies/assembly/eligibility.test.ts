import { describe, expect, it } from 'vitest';
import {
  ballotRefusalReason,
  electorateSize,
  ineligibilityReason,
  isEligible,
  isSuspendedAt,
  type MembershipRecord,
} from '../../../policies/assembly/eligibility.js';

const DAY = 86_400_000;
const openedAt = Date.parse('2025-03-01T12:00:00.000Z');

const member = (overrides: Partial<MembershipRecord> = {}): MembershipRecord => ({
  joinedAt: openedAt - 365 * DAY,
  ...overrides,
});

describe('eligibility', () => {
  it.each([
    ['a member who joined long before opening', member(), null],
    ['a member who joined one millisecond before opening', member({ joinedAt: openedAt - 1 }), null],
    ['a member who joined at the opening instant', member({ joinedAt: openedAt }), 'joined_too_late'],
    ['a member who joined after opening', member({ joinedAt: openedAt + DAY }), 'joined_too_late'],
    ['a member who left before opening', member({ leftAt: openedAt - DAY }), 'left'],
    ['a member who left at the opening instant', member({ leftAt: openedAt }), 'left'],
    ['a member who leaves after opening (still counted in N)', member({ leftAt: openedAt + DAY }), null],
    [
      'a member suspended across the opening',
      member({ suspensions: [{ from: openedAt - DAY, to: openedAt + DAY }] }),
      'suspended',
    ],
    ['a member suspended from the opening instant', member({ suspensions: [{ from: openedAt }] }), 'suspended'],
    [
      'a member under an open-ended suspension',
      member({ suspensions: [{ from: openedAt - DAY, to: null }] }),
      'suspended',
    ],
    [
      'a member whose suspension ended at the opening instant',
      member({ suspensions: [{ from: 0, to: openedAt }] }),
      null,
    ],
    ['a member suspended only after opening', member({ suspensions: [{ from: openedAt + DAY }] }), null],
  ] as const)('%s → %s', (_case, membership, reason) => {
    expect(ineligibilityReason(membership, openedAt)).toBe(reason);
    expect(isEligible(membership, new Date(openedAt))).toBe(reason === null);
  });

  it('fixes the electorate size at opening', () => {
    const memberships = [
      member(),
      member({ joinedAt: openedAt }),
      member({ leftAt: openedAt + DAY }),
      member({ suspensions: [{ from: openedAt - DAY }] }),
      member({ joinedAt: openedAt - 1 }),
    ];
    expect(electorateSize(memberships, openedAt)).toBe(3);
  });

  it('refuses an invalid date rather than guessing', () => {
    expect(() => isEligible(member({ joinedAt: new Date('garbage') }), openedAt)).toThrow(/joinedAt/);
  });
});

describe('right to cast a ballot', () => {
  const now = openedAt + 2 * DAY;

  it.each([
    ['a member of the electorate in good standing', member(), null],
    ['a member who joined after opening', member({ joinedAt: openedAt + DAY }), 'joined_too_late'],
    ['a member who left during the vote', member({ leftAt: openedAt + DAY }), 'left'],
    ['a member suspended now', member({ suspensions: [{ from: openedAt + DAY, to: now + DAY }] }), 'suspended'],
    ['a member whose suspension ended just now', member({ suspensions: [{ from: openedAt + DAY, to: now }] }), null],
  ] as const)('%s → %s', (_case, membership, reason) => {
    expect(ballotRefusalReason(membership, openedAt, now)).toBe(reason);
  });
});

describe('suspension intervals', () => {
  it('cover their start and not their end', () => {
    const suspended = member({ suspensions: [{ from: 100, to: 200 }] });
    expect([99, 100, 199, 200].map((at) => isSuspendedAt(suspended, at))).toEqual([false, true, true, false]);
  });
});
