// Accounts as stored and as seen: the mapping from a user document to an Account (decrypting the profile),
// the e-mail blind index, and the plain look-ups every use case shares.
import { performance } from 'node:perf_hooks';
import type { Model } from 'mongoose';
import type { Keyring } from '../crypto/keyring.js';
import { openJson } from '../crypto/aead.js';
import { toBuffer } from '../db/connection.js';
import { NotFound } from '../errors.js';
import type { Account, MembershipView } from './members.model.js';
import { normaliseEmail, openProfile } from './profile.js';
import type { AdmissionRecord, UserDocument } from './user.model.js';
import { openResearcher } from './verification-evidence.js';

export interface AccountReading {
  users: Model<UserDocument>;
  keyring: Keyring;
}

/** Decrypts a stored user into the account the use cases return. */
export function toAccount(keyring: Keyring, user: UserDocument): Account {
  const key = keyring.unwrapMemberKey(user._id, toBuffer(user.wrappedKey));
  return {
    id: user._id,
    role: user.role,
    status: user.status,
    profile: openProfile(key, user._id, toBuffer(user.profile)),
    ...(user.membership && { membership: user.membership }),
    ...(user.admission && { admission: openAdmission(key, user._id, user.admission) }),
    ...(user.researcher && { researcher: openResearcher(key, user) }),
    locale: user.locale ?? 'en',
    secondFactor: user.secondFactor?.totpConfirmedAt !== undefined || (user.secondFactor?.passkeys?.length ?? 0) > 0,
    ...(user.emailVerifiedAt && { emailVerifiedAt: user.emailVerifiedAt }),
    createdAt: user.createdAt,
  };
}

/** The register record as the account holder and stewards read it: the sealed reason opened. */
function openAdmission(key: Buffer, userId: string, record: AdmissionRecord): MembershipView {
  const { reason, ...rest } = record;
  return {
    ...rest,
    ...(reason && {
      reason: openJson<string>(key, toBuffer(reason), {
        collection: 'users.admission',
        recordId: userId,
        memberId: userId,
        schemaVersion: 1,
      }),
    }),
  };
}

/** The keyed hash under which an e-mail address is looked up; the address itself is never stored in plaintext. */
export function emailIndexOf(keyring: Keyring, email: string): string {
  return keyring.blindIndex('email', normaliseEmail(email));
}

/** Loads and decrypts one account. */
export async function getAccount({ users, keyring }: AccountReading, userId: string): Promise<Account> {
  const user = await users.findById(userId).lean();
  if (!user) throw new NotFound();
  return toAccount(keyring, user);
}

/** Finds an account id by e-mail (CLI and demo seeding). */
export async function findIdByEmail({ users, keyring }: AccountReading, email: string): Promise<string | null> {
  const user = await users.findOne({ emailIndex: emailIndexOf(keyring, email) }, { _id: 1 }).lean();
  return user?._id ?? null;
}

/** The request's clock (`now`, read when the request began) moved on by the time since `started`: "just now". */
export function afterChange(now: Date, started: number): Date {
  return new Date(now.getTime() + Math.ceil(performance.now() - started));
}
