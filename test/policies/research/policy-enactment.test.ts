import { describe, expect, it } from 'vitest';
import { currentBylaws, type Bylaws } from '../../../policies/assembly/bylaws.js';
import { type ApprovedPolicyVote, enactPolicyVotes } from '../../../policies/research/policy-enactment.js';
import { POLICY_JSON } from './research-builders.js';

const T0 = Date.parse('2025-03-01T00:00:00.000Z');
const DAY = 86_400_000;
const tightened: Bylaws = {
  ...currentBylaws,
  version: 2,
  adoptedAt: new Date(T0 + 10 * DAY).toISOString(),
  privacy: { ...currentBylaws.privacy, maxEpsilonPerPolicy: 0.5 },
};

const approve = (proposalId: string, finalAt: number, policy: Record<string, unknown> = {}): ApprovedPolicyVote => ({
  proposalId,
  kind: 'access-policy',
  targetKey: (policy.id as string | undefined) ?? POLICY_JSON.id,
  title: proposalId,
  policy: { ...POLICY_JSON, ...policy },
  finalAt,
});
const revoke = (proposalId: string, finalAt: number, targetKey = POLICY_JSON.id): ApprovedPolicyVote => ({
  proposalId,
  kind: 'revoke-policy',
  targetKey,
  title: proposalId,
  finalAt,
});

describe('enactPolicyVotes', () => {
  it('enacts a valid approved policy from the instant its count is final', () => {
    const { policies, refusals } = enactPolicyVotes([approve('p1', T0)], [currentBylaws]);
    expect(policies.get(POLICY_JSON.id)).toMatchObject({ proposalId: 'p1', approvedAt: T0, revokedAt: null });
    expect(refusals.size).toBe(0);
  });

  it.each([
    ['the bylaws tightened during the vote', approve('p1', T0 + 11 * DAY), 'policy_outside_bylaws'],
    [
      'its validity ended before the count',
      approve('p1', Date.parse(POLICY_JSON.validUntil), { epsilonBudget: 0.5 }),
      'policy_expired',
    ],
    ['its id is not its target', { ...approve('p1', T0), targetKey: 'other' }, 'policy_id_mismatch'],
    ['a revocation of a policy never enacted', revoke('r1', T0), 'target_not_active'],
  ])('refuses, with a reason, when %s', (_, vote, reason) => {
    const { policies, refusals } = enactPolicyVotes([vote], [currentBylaws, tightened]);
    expect(policies.size).toBe(0);
    expect(refusals.get(vote.proposalId)?.reason).toBe(reason);
  });

  it('judges a policy by the bylaws in force at its count, not at its opening', () => {
    const before = enactPolicyVotes([approve('p1', T0 + 9 * DAY)], [currentBylaws, tightened]);
    expect(before.policies.has(POLICY_JSON.id)).toBe(true);
    const after = enactPolicyVotes([approve('p1', T0 + 10 * DAY)], [currentBylaws, tightened]);
    expect(after.refusals.get('p1')?.problems.map((p) => p.code)).toEqual(['epsilon_above_bylaws']);
  });

  it('revokes an active policy at the revocation’s count, and refuses a second revocation', () => {
    const { policies, refusals } = enactPolicyVotes(
      [revoke('r2', T0 + 3 * DAY), approve('p1', T0), revoke('r1', T0 + DAY)],
      [currentBylaws],
    );
    expect(policies.get(POLICY_JSON.id)?.revokedAt).toBe(T0 + DAY);
    expect([...refusals]).toEqual([['r2', { reason: 'target_not_active', problems: [] }]]);
  });

  it('refuses a revocation counted at the same instant as the approval, and one after expiry', () => {
    const expiry = Date.parse(POLICY_JSON.validUntil);
    const { policies, refusals } = enactPolicyVotes(
      [revoke('same', T0), approve('p1', T0), revoke('late', expiry)],
      [currentBylaws],
    );
    expect(policies.get(POLICY_JSON.id)?.revokedAt).toBeNull();
    expect(refusals.get('same')?.reason).toBe('target_not_active');
    expect(refusals.get('late')?.reason).toBe('target_not_active');
  });

  it('lets a newer approval replace the policy', () => {
    const { policies } = enactPolicyVotes(
      [approve('v2', T0 + DAY, { version: 2 }), approve('v1', T0)],
      [currentBylaws],
    );
    expect(policies.get(POLICY_JSON.id)).toMatchObject({ proposalId: 'v2', policy: { version: 2 } });
  });
});
