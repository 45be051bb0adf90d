// Registration: an account holder (every data right; membership only after applying and being admitted) or a
// researcher (pending until a steward verifies them).
import { randomUUID } from 'node:crypto';
import type { Model } from 'mongoose';
import type { Keyring } from '../crypto/keyring.js';
import type { PasswordHasher } from '../crypto/password-hasher.js';
import { isDuplicateKey } from '../db/connection.js';
import { Conflict, InvalidRequest } from '../errors.js';
import { emailIndexOf, toAccount } from './account-records.js';
import type { LoginThrottle } from './login-throttle.js';
import { mailAccount, type AccountMailDeps } from './account-mail.js';
import { issueAccountToken, type AccountTokenStores } from './account-tokens.js';
import type { Account, Profile, RegistrationInput } from './members.model.js';
import { sealProfile } from './profile.js';
import { checkProfileRules } from './profile-rules.js';
import type { UserDocument } from './user.model.js';

export interface AccountCreation {
  users: Model<UserDocument>;
  keyring: Keyring;
  passwords: PasswordHasher;
}

/**
 * Registers an account holder (role `member`, not yet a member of the cooperative) or a researcher. Over HTTP the client's address is given: a registration counts against the
 * same per-address budget as log-in attempts (each costs an Argon2id hash), so one address cannot create accounts
 * without limit, and an address already in use is answered like a new one (no e-mail enumeration; see
 * docs/security.md): the same 201 and body shape, after the same password hash, but nothing is stored.
 */
export async function registerAccount(
  deps: AccountCreation & { throttle: LoginThrottle; accountMail: AccountMailDeps; accountTokens: AccountTokenStores },
  input: RegistrationInput,
  now: Date,
  clientAddress?: string,
): Promise<Account> {
  if (input.role === 'steward') throw new InvalidRequest('invalid_role', 'Stewards are appointed, not registered.');
  checkProfileRules(input, input.role, now);
  if (clientAddress !== undefined) {
    await deps.throttle.beforeRegistration(deps.keyring.blindIndex('ip', clientAddress), now);
  }
  const overHttp = clientAddress !== undefined;
  const account = await createAccount(deps, input, now, { concealTaken: overHttp });
  // Accounts made by the demo seeder and benchmarks (not over HTTP) get no mail.
  if (overHttp) await mailAfterRegistration(deps, input.email, account.id, now);
  return account;
}

// The new account gets its verification link; an address already in use gets "someone tried to register with
// your address" instead (the answer to the request is the same either way).
async function mailAfterRegistration(
  deps: {
    users: Model<UserDocument>;
    keyring: Keyring;
    accountMail: AccountMailDeps;
    accountTokens: AccountTokenStores;
  },
  email: string,
  answeredId: string,
  now: Date,
): Promise<void> {
  const user = await deps.users.findOne({ emailIndex: emailIndexOf(deps.keyring, email) }).lean();
  if (!user) return;
  if (user._id !== answeredId) {
    await mailAccount(deps.accountMail, user, 'registration-attempt', '/forgot-password', now);
    return;
  }
  const token = await issueAccountToken(deps.accountTokens, 'email-verification', user._id, now);
  await mailAccount(deps.accountMail, user, 'email-verification', `/verify-email?token=${token}`, now);
}

/**
 * Writes a new account with its own data key and sealed profile. An e-mail already in use is refused, or with
 * `concealTaken` answered with the account that would have been created (never stored, its id known to nobody).
 */
export async function createAccount(
  { users, keyring, passwords }: AccountCreation,
  input: RegistrationInput,
  now: Date,
  options: { concealTaken?: boolean } = {},
): Promise<Account> {
  const id = randomUUID();
  const { key, wrapped } = keyring.newMemberKey(id);
  const profile: Profile = {
    email: input.email.trim(),
    name: input.name.trim(),
    ...(input.birthYear !== undefined && { birthYear: input.birthYear }),
    ...(input.sex !== undefined && { sex: input.sex }),
    ...(input.region !== undefined && { region: input.region }),
    ...(input.organisation !== undefined && { organisation: input.organisation.trim() }),
  };
  const document: UserDocument = {
    _id: id,
    schemaVersion: 1,
    emailIndex: emailIndexOf(keyring, input.email),
    role: input.role,
    status: 'active',
    passwordHash: await passwords.hash(input.password),
    wrappedKey: wrapped,
    profile: sealProfile(key, id, profile),
    ...(input.role === 'researcher' && { researcher: { verification: 'pending' as const } }),
    locale: input.locale ?? 'en',
    createdAt: now,
    updatedAt: now,
  };
  try {
    await users.create(document);
  } catch (error) {
    if (isDuplicateKey(error) && options.concealTaken) return toAccount(keyring, document);
    if (isDuplicateKey(error)) {
      throw new Conflict('email_unavailable', 'This e-mail address cannot be used for a new account.');
    }
    throw error;
  }
  return toAccount(keyring, document);
}
