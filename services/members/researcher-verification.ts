// Stewards verify researchers: the organisation they act for and whether it is non-profit.
import { performance } from 'node:perf_hooks';
import type { Model } from 'mongoose';
import type { Revocations } from '../auth/index.js';
import type { Keyring } from '../crypto/keyring.js';
import { toBuffer } from '../db/connection.js';
import { NotFound } from '../errors.js';
import { afterChange, toAccount, type AccountReading } from './account-records.js';
import type { Account, ResearcherDecision, ResearcherFilter } from './members.model.js';
import { openProfile, sealProfile } from './profile.js';
import type { UserDocument } from './user.model.js';

/** Researchers awaiting (or past) a steward's decision, oldest first. */
export async function listResearchers(
  { users, keyring }: AccountReading,
  verification: ResearcherFilter,
): Promise<Account[]> {
  const filter: Record<string, unknown> = { role: 'researcher' };
  if (verification !== 'all') filter['researcher.verification'] = verification;
  const found = await users.find(filter).sort({ createdAt: 1 }).limit(500).lean();
  return found.map((u) => toAccount(keyring, u));
}

/** A steward confirms a researcher's organisation and whether it is non-profit; idempotent for the same decision. */
export async function verifyResearcher(
  deps: { users: Model<UserDocument>; keyring: Keyring; revocations: Revocations },
  researcherId: string,
  decision: ResearcherDecision,
  stewardId: string,
  now: Date,
): Promise<Account> {
  const { users, keyring } = deps;
  const started = performance.now();
  const user = await users.findById(researcherId).lean();
  if (!user || user.role !== 'researcher') throw new NotFound();
  const key = keyring.unwrapMemberKey(user._id, toBuffer(user.wrappedKey));
  const profile = { ...openProfile(key, user._id, toBuffer(user.profile)), organisation: decision.organisation };
  const updated = await users
    .findOneAndUpdate(
      { _id: researcherId, role: 'researcher' },
      {
        $set: {
          profile: sealProfile(key, user._id, profile),
          researcher: {
            verification: 'verified',
            nonProfit: decision.nonProfit,
            decidedAt: now,
            decidedBy: stewardId,
          },
          updatedAt: now,
        },
      },
      { returnDocument: 'after' },
    )
    .lean();
  if (!updated) throw new NotFound();
  await deps.revocations.accountChanged(researcherId, afterChange(now, started));
  return toAccount(keyring, updated);
}
