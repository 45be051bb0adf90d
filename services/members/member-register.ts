// The register of members (Art. 837 CO) for stewards: each account holder who applied, with the steps of their
// membership; for applicants, the account holders who may be the same person (one person, one membership).
import type { Model } from 'mongoose';
import type { MembershipStatus } from '../../policies/members/membership.js';
import type { Keyring } from '../crypto/keyring.js';
import { toBuffer } from '../db/connection.js';
import { toAccount } from './account-records.js';
import type { Account, PossibleDuplicate, RegisterEntry } from './members.model.js';
import type { UserDocument } from './user.model.js';

export type RegisterFilter = Exclude<MembershipStatus, 'none'> | 'all';

/** The register, oldest application first; `status` narrows it (the admission desk asks for `applicant`). */
export async function listRegister(
  { users, keyring }: { users: Model<UserDocument>; keyring: Keyring },
  status: RegisterFilter,
): Promise<RegisterEntry[]> {
  // Every account holder is read: duplicates are looked for among those who never applied, too.
  const holders = (await users.find({ role: 'member' }).lean()).map((user) => ({
    ...toAccount(keyring, { ...user, wrappedKey: toBuffer(user.wrappedKey), profile: toBuffer(user.profile) }),
  }));
  return holders
    .filter((holder) => holder.admission && (status === 'all' || holder.admission.status === status))
    .sort((a, b) => a.admission!.appliedAt.getTime() - b.admission!.appliedAt.getTime())
    .map((holder) => ({
      id: holder.id,
      name: holder.profile.name,
      admission: holder.admission!,
      ...(holder.admission!.status === 'applicant' && { possibleDuplicates: duplicatesOf(holder, holders) }),
    }));
}

/** Account holders who may be the same person as `applicant`: the same mailbox, or the same name and birth year. */
export function duplicatesOf(applicant: Account, holders: readonly Account[]): PossibleDuplicate[] {
  const mailbox = mailboxOf(applicant.profile.email);
  const person = personOf(applicant);
  return holders.flatMap((other) => {
    if (other.id === applicant.id) return [];
    const reasons: PossibleDuplicate['reasons'] = [];
    if (mailboxOf(other.profile.email) === mailbox) reasons.push('same_mailbox');
    if (person !== null && personOf(other) === person) reasons.push('same_name_birth_year');
    return reasons.length
      ? [{ id: other.id, name: other.profile.name, status: other.admission?.status ?? 'none', reasons }]
      : [];
  });
}

// The e-mail as a mailbox: lower case, without a "+tag" (alice+2@x and alice@x reach the same person).
function mailboxOf(email: string): string {
  const [local = '', domain = ''] = email.trim().toLowerCase().split('@');
  return `${local.split('+')[0]}@${domain}`;
}

// Name (case, accents and spacing ignored) and birth year; null without a birth year (too weak alone).
function personOf(account: Account): string | null {
  if (account.profile.birthYear === undefined) return null;
  const name = account.profile.name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
  return `${name}|${account.profile.birthYear}`;
}
