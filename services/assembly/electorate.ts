// Members' standing as the eligibility rules (policies/assembly/eligibility.ts) read it.
import type { MembershipRecord } from '../../policies/assembly/eligibility.js';
import type { MemberStanding } from '../members/index.js';
import type { MemberRoll } from './assembly.model.js';

/** The membership record the eligibility rules decide on. */
export function membershipRecord(standing: Pick<MemberStanding, 'status' | 'membership'>): MembershipRecord {
  const { joinedAt, leftAt, suspensions = [] } = standing.membership;
  // A suspended account cannot sign in; for counting it is suspended from the start of time until reinstated.
  const accountSuspension = standing.status === 'suspended' ? [{ from: 0 }] : [];
  return {
    joinedAt,
    leftAt: leftAt ?? null,
    suspensions: [...suspensions.map(({ from, to }) => ({ from, to: to ?? null })), ...accountSuspension],
  };
}

/** One user's membership record (null when not a member or unknown). */
export async function loadMembership(roll: MemberRoll, userId: string): Promise<MembershipRecord | null> {
  const standing = await roll.memberStanding(userId);
  return standing ? membershipRecord(standing) : null;
}

/** Every member's id and membership record; the electorate is decided in code, by the policies. */
export async function loadMemberships(roll: MemberRoll): Promise<{ id: string; record: MembershipRecord }[]> {
  return (await roll.memberStandings()).map((standing) => ({ id: standing.id, record: membershipRecord(standing) }));
}
