// Bulk seeding for benchmarks and tests only: the documents registration and admission write, inserted many at a
// time with one shared password hash, and sessions opened without a log-in. Never reachable over HTTP.
import { randomUUID } from 'node:crypto';
import type { Model } from 'mongoose';
import { currentBylaws, membershipRulesOf } from '../../policies/assembly/bylaws.js';
import type { Role, TokenService } from '../auth/index.js';
import type { Keyring } from '../crypto/keyring.js';
import type { PasswordHasher } from '../crypto/password-hasher.js';
import { normaliseEmail, sealProfile, type Profile } from './profile.js';
import type { SessionDocument } from './session.model.js';
import { accessClaimsOf } from './sessions.js';
import type { UserDocument } from './user.model.js';

export interface SeedingStores {
  users: Model<UserDocument>;
  sessions: Model<SessionDocument>;
  keyring: Keyring;
  passwords: PasswordHasher;
  tokens: TokenService;
}

export interface SeedMembersOptions {
  joinedAt: Date;
  password?: string;
  profile?: (index: number) => Partial<Profile>;
  /** Recorded as the deciding steward of each admission. */
  admittedBy: string;
}

const SESSION_MS = 86_400_000;

/** Inserts `count` members admitted at `joinedAt` (sealed profile, wrapped key, blind e-mail index, one hash). */
export async function seedAdmittedMembers(
  stores: SeedingStores,
  count: number,
  options: SeedMembersOptions,
  passwordHash: string,
): Promise<{ id: string; email: string }[]> {
  const { keyring } = stores;
  const rules = membershipRulesOf(currentBylaws);
  const seeded: { id: string; email: string }[] = [];
  const documents: UserDocument[] = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const email = `voter-${id.slice(0, 13)}@example.org`;
    const { key, wrapped } = keyring.newMemberKey(id);
    documents.push({
      _id: id,
      schemaVersion: 1,
      emailIndex: keyring.blindIndex('email', normaliseEmail(email)),
      role: 'member',
      status: 'active',
      passwordHash,
      wrappedKey: wrapped,
      profile: sealProfile(key, id, { email, name: `Voter ${i + 1}`, ...options.profile?.(i) }),
      membership: { joinedAt: options.joinedAt },
      admission: {
        status: 'admitted',
        appliedAt: options.joinedAt,
        decidedAt: options.joinedAt,
        decidedBy: options.admittedBy,
        identityMethod: rules.identityMethods[0]!,
        share: { ...rules.shareCapital },
      },
      createdAt: options.joinedAt,
      updatedAt: options.joinedAt,
    });
    seeded.push({ id, email });
  }
  for (let i = 0; i < documents.length; i += 1000) {
    await stores.users.insertMany(documents.slice(i, i + 1000), { ordered: false });
  }
  return seeded;
}

/** Opens one session per account (no log-in) and returns an access token for each, with `role` as given. */
export async function openSeededSessions(
  stores: SeedingStores,
  userIds: readonly string[],
  role: Role,
  now: Date,
): Promise<string[]> {
  const sessions = userIds.map((userId) => ({
    _id: randomUUID(),
    userId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + SESSION_MS),
  }));
  for (let i = 0; i < sessions.length; i += 1000) await stores.sessions.insertMany(sessions.slice(i, i + 1000));
  const users = await stores.users
    .find({ _id: { $in: [...userIds] } }, { role: 1, researcher: 1, membership: 1 })
    .lean();
  const byId = new Map(users.map((user) => [user._id, user]));
  return Promise.all(
    sessions.map(async (session) => {
      const user = byId.get(session.userId);
      if (!user) throw new Error(`no account ${session.userId}`);
      const claims = { ...accessClaimsOf(user, session, now), role };
      return (await stores.tokens.issueAccessToken(claims, now)).token;
    }),
  );
}
