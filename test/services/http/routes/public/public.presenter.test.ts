// The public record's presenter is a whitelist: whatever the records carry, only the public fields leave.
import { describe, expect, it } from 'vitest';
import type { PublishedResults } from '../../../../../services/assembly/index.js';
import { presentPublicResults } from '../../../../../services/http/routes/public/public.presenter.js';

const memberId = '6f1c7d2e-0000-4000-8000-00000000beef';

const results = {
  view: {
    proposal: {
      _id: 'p1',
      kind: 'revoke-policy',
      targetPolicyId: 'policy-1',
      content: { title: 'Draft title', summary: 'Draft summary' },
      createdBy: memberId,
      createdAt: new Date('2026-01-01T00:00:00.000Z'),
      updatedAt: new Date('2026-01-01T00:00:00.000Z'),
    },
    transition: {
      _id: 'p1',
      kind: 'revoke-policy',
      targetKey: 'policy-1',
      targetGeneration: 1,
      openedAt: new Date('2026-01-02T00:00:00.000Z'),
      closesAt: new Date('2026-01-05T00:00:00.000Z'),
      actorId: memberId,
      electorate: 12,
      content: { title: 'Stop it', summary: 'Members asked.' },
      bylawsVersion: 2,
    },
    outcome: {
      _id: 'p1',
      outcome: 'approved',
      reason: 'approved',
      totals: { yes: 1, no: 0, abstain: 0, cast: 1, electorate: 12 },
      ballotListDigest: 'a'.repeat(64),
      finalisedAt: new Date('2026-01-05T00:01:00.000Z'),
    },
    status: 'approved',
    turnout: 1,
  },
  finalisesAt: new Date('2026-01-05T00:01:00.000Z'),
  // Open mode: the stored list names the voter; the public record must not.
  ballots: [{ receipt: 'r'.repeat(64), choice: 'yes', voter: memberId }],
  participation: [memberId],
  enactment: { enacted: false, reason: 'target_not_active' },
} as unknown as PublishedResults;

describe('presentPublicResults', () => {
  it('drops the voter of an open-mode ballot, the participation list, the authors and the draft text', () => {
    const shown = presentPublicResults(results);
    expect(JSON.stringify(shown)).not.toContain(memberId);
    expect(JSON.stringify(shown)).not.toContain('Draft title');
    expect(shown.ballots).toEqual([{ receipt: 'r'.repeat(64), choice: 'yes' }]);
    expect(shown.proposal).toMatchObject({
      title: 'Stop it',
      bylawsVersion: 2,
      enactment: { enacted: false, reason: 'target_not_active' },
    });
  });
});
