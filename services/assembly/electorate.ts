// Membership records as the eligibility rules (policies/assembly/eligibility.ts) read them.
import type { Model } from 'mongoose';
import type { MembershipRecord } from '../../policies/assembly/eligibility.js';
import type { UserDocument } from '../members/user.model.js';

type MembershipFields = Pick<UserDocument, '_id' | 'role' | 'status' | 'membership'>;

/** The membership record of a user, or null for anyone who is not a member (researchers, stewards). */
export function membershipRecord(user: MembershipFields): MembershipRecord | null {
  if (user.role !== 'member' || !user.membership) return null;
  const { joinedAt, leftAt, suspensions = [] } = user.membership;
  // A suspended account cannot sign in; for counting it is suspended from the start of time until reinstated.
  const accountSuspension = user.status === 'suspended' ? [{ from: 0 }] : [];
  return {
    joinedAt,
    leftAt: leftAt ?? null,
    suspensions: [...suspensions.map(({ from, to }) => ({ from, to: to ?? null })), ...accountSuspension],
  };
}

/** Reads one user's membership record (null when not a member or unknown). */
export async function loadMembership(users: Model<UserDocument>, userId: string): Promise<MembershipRecord | null> {
  const user = await users.findById(userId, { role: 1, status: 1, membership: 1 }).lean<MembershipFields>();
  return user ? membershipRecord(user) : null;
}

/** Every member's id and membership record; the electorate is decided in code, by the policies. */
export async function loadMemberships(users: Model<UserDocument>): Promise<{ id: string; record: MembershipRecord }[]> {
  const members = await users
    .find({ role: 'member' }, { role: 1, status: 1, membership: 1 })
    .lean<MembershipFields[]>();
  const records: { id: string; record: MembershipRecord }[] = [];
  for (const user of members) {
    const record = membershipRecord(user);
    if (record) records.push({ id: user._id, record });
  }
  return records;
}
