// Changing one's own profile: name and research profile (members) or organisation (researchers).
import type { Model, mongo } from 'mongoose';
import type { Keyring } from '../crypto/keyring.js';
import { claimOnce } from '../db/claims.js';
import { toBuffer } from '../db/connection.js';
import { Conflict, NotFound } from '../errors.js';
import { toAccount } from './account-records.js';
import type { Account, ProfilePatch } from './members.model.js';
import { openProfile, sealProfile } from './profile.js';
import { checkProfileRules } from './profile-rules.js';
import type { UserDocument } from './user.model.js';

export interface ProfileUpdateDeps {
  users: Model<UserDocument>;
  claims: mongo.Collection<mongo.Document>;
  keyring: Keyring;
}

/** Changes the caller's own profile fields; role, e-mail and verification are not changeable here. */
export async function updateProfile(
  { users, claims, keyring }: ProfileUpdateDeps,
  userId: string,
  patch: ProfilePatch,
  now: Date,
): Promise<Account> {
  const user = await users.findById(userId).lean();
  if (!user) throw new NotFound();
  checkProfileRules(patch, user.role, now);
  const key = keyring.unwrapMemberKey(user._id, toBuffer(user.wrappedKey));
  const profile = { ...openProfile(key, user._id, toBuffer(user.profile)), ...patch };
  // Only one writer may replace the version we read, so a concurrent change is never silently overwritten.
  if (!(await claimOnce(claims, `profile:${userId}:${user.updatedAt.getTime()}`, { at: now }))) {
    throw new Conflict('concurrent_update', 'The profile changed meanwhile; reload and try again.');
  }
  const updatedAt = now.getTime() > user.updatedAt.getTime() ? now : new Date(user.updatedAt.getTime() + 1);
  await users.updateOne({ _id: userId }, { $set: { profile: sealProfile(key, user._id, profile), updatedAt } });
  return toAccount(keyring, { ...user, profile: sealProfile(key, user._id, profile), updatedAt });
}
