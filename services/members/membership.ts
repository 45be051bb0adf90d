// Membership: a steward suspends voting rights; the assembly reads members' standing to decide eligibility.
import { performance } from 'node:perf_hooks';
import type { Model } from 'mongoose';
import type { Revocations } from '../auth/index.js';
import { NotFound } from '../errors.js';
import { afterChange } from './account-records.js';
import type { MemberStanding } from './members.model.js';
import type { UserDocument } from './user.model.js';

type StandingFields = Pick<UserDocument, '_id' | 'role' | 'status' | 'membership'>;
const standingProjection = { role: 1, status: 1, membership: 1 };

/** Suspends a member's voting rights over [from, to) (open-ended without `to`); the account stays usable. */
export async function suspendMembership(
  deps: { users: Model<UserDocument>; revocations: Revocations },
  memberId: string,
  suspension: { from: Date; to?: Date },
  now: Date,
): Promise<void> {
  const started = performance.now();
  const entry = { from: suspension.from, ...(suspension.to && { to: suspension.to }) };
  // A rare steward action, written as a plain update: of two simultaneous suspensions of one member only one may
  // be kept (concurrent updates are not isolated, see db/claims.ts), which the steward sees and repeats.
  const result = await deps.users.updateOne(
    { _id: memberId, role: 'member' },
    { $push: { 'membership.suspensions': entry }, $set: { updatedAt: now } },
  );
  if (result.matchedCount === 0) throw new NotFound();
  await deps.revocations.accountChanged(memberId, afterChange(now, started));
}

/** One account's standing as a member, or null for anyone who is not a member (researchers, stewards, unknown). */
export async function memberStanding(users: Model<UserDocument>, userId: string): Promise<MemberStanding | null> {
  const user = await users.findById(userId, standingProjection).lean<StandingFields>();
  return user ? standingOf(user) : null;
}

/** Every member's standing; who may vote is decided in the assembly, by the policies. */
export async function memberStandings(users: Model<UserDocument>): Promise<MemberStanding[]> {
  const members = await users.find({ role: 'member' }, standingProjection).lean<StandingFields[]>();
  return members.flatMap((user) => standingOf(user) ?? []);
}

function standingOf(user: StandingFields): MemberStanding | null {
  if (user.role !== 'member' || !user.membership) return null;
  return { id: user._id, status: user.status, membership: user.membership };
}
