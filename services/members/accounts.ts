// Account use cases: register, log in, refresh, log out, read and change one's profile, verify researchers.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Connection, Model, mongo } from 'mongoose';
import { isPlausibleBirthYear, type Region, type Sex } from '../../policies/research/research-profile.js';
import { performance } from 'node:perf_hooks';
import type { Revocations } from '../auth/revocations.js';
import type { AccessClaims, Role, TokenService } from '../auth/token-service.js';
import type { Actor } from '../auth/actor.js';
import type { Keyring } from '../crypto/keyring.js';
import type { PasswordHasher } from '../crypto/password-hasher.js';
import { claimOnce } from '../db/claims.js';
import { isDuplicateKey, toBuffer } from '../db/connection.js';
import { Conflict, InvalidRequest, NotAuthenticated, NotFound } from '../errors.js';
import { LoginThrottle, type LoginThrottleOptions } from './login-throttle.js';
import { normaliseEmail, openProfile, sealProfile, type Profile } from './profile.js';
import { refreshTokenModel, sessionModel, type RefreshTokenDocument, type SessionDocument } from './session.model.js';
import { throttleModel } from './throttle.model.js';
import { userModel, type UserDocument } from './user.model.js';

export interface RegistrationInput {
  email: string;
  password: string;
  name: string;
  role: Role;
  birthYear?: number;
  sex?: Sex;
  region?: Region;
  organisation?: string;
}

export type ProfilePatch = Partial<Pick<Profile, 'name' | 'birthYear' | 'sex' | 'region' | 'organisation'>>;

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

/** An account as the service sees it after decryption; presenters decide what leaves the server. */
export interface Account {
  id: string;
  role: Role;
  status: UserDocument['status'];
  profile: Profile;
  membership?: UserDocument['membership'];
  researcher?: UserDocument['researcher'];
  createdAt: Date;
}

export interface AccountsDeps {
  connection: Connection;
  keyring: Keyring;
  passwords: PasswordHasher;
  tokens: TokenService;
  revocations: Revocations;
  refreshTtlSeconds: number;
  throttle: LoginThrottleOptions;
  /** Log-ins (success and failure) go to the audit log, under the account id or a keyed hash of the e-mail. */
  audit?: { append(type: string, actor: string, data: Record<string, unknown>, now: Date): Promise<number> };
}

/** How long after a refresh token's first use a second use counts as the same client racing itself, not theft. */
export const REFRESH_REUSE_GRACE_MS = 10_000;

const invalidCredentials = () => new NotAuthenticated('invalid_credentials', 'E-mail address or password is wrong.');
const invalidRefreshToken = () => new NotAuthenticated('invalid_refresh_token', 'The refresh token is not valid.');

/** Account use cases over the users, sessions and refresh-token collections. */
export class Accounts {
  readonly users: Model<UserDocument>;
  private readonly sessions: Model<SessionDocument>;
  private readonly refreshTokens: Model<RefreshTokenDocument>;
  private readonly throttle: LoginThrottle;
  private readonly claims: mongo.Collection<mongo.Document>;

  constructor(private readonly deps: AccountsDeps) {
    this.users = userModel(deps.connection);
    this.sessions = sessionModel(deps.connection);
    this.refreshTokens = refreshTokenModel(deps.connection);
    this.throttle = new LoginThrottle(throttleModel(deps.connection), deps.throttle);
    this.claims = deps.connection.collection('claims');
  }

  /** Creates the collections' indexes; run once at start-up. */
  async ensureIndexes(): Promise<void> {
    await Promise.all([this.users.createIndexes(), this.sessions.createIndexes(), this.refreshTokens.createIndexes()]);
  }

  /**
   * Registers a member (active at once) or a researcher (pending until a steward verifies them). Over HTTP the
   * client's address is given: a registration counts against the same per-address budget as log-in attempts
   * (each costs an Argon2id hash), so one address cannot create accounts without limit.
   */
  async register(input: RegistrationInput, now: Date, clientAddress?: string): Promise<Account> {
    if (input.role === 'steward') throw new InvalidRequest('invalid_role', 'Stewards are appointed, not registered.');
    checkProfileRules(input, input.role, now);
    if (clientAddress !== undefined) {
      await this.throttle.beforeRegistration(this.deps.keyring.blindIndex('ip', clientAddress), now);
    }
    return this.createAccount(input, now);
  }

  /** Creates the first (or another) steward; used by the CLI, never over HTTP. */
  async createSteward(input: Omit<RegistrationInput, 'role'>, now: Date): Promise<Account> {
    return this.createAccount({ ...input, role: 'steward' }, now);
  }

  /** Checks the password and opens a new session; unknown e-mail and wrong password look the same. */
  async login(email: string, password: string, clientAddress: string, now: Date): Promise<TokenPair> {
    const emailIndex = this.emailIndex(email);
    await this.throttle.beforeAttempt(emailIndex, this.deps.keyring.blindIndex('ip', clientAddress), now);
    const user = await this.users.findOne({ emailIndex }).lean();
    if (!user) {
      await this.deps.passwords.verifyAgainstDummy(password);
      await this.throttle.recordFailure(emailIndex, now);
      await this.deps.audit?.append('login.failed', `email:${emailIndex.slice(0, 32)}`, {}, now);
      throw invalidCredentials();
    }
    if (!(await this.deps.passwords.verify(password, user.passwordHash))) {
      await this.throttle.recordFailure(emailIndex, now);
      await this.deps.audit?.append('login.failed', user._id, {}, now);
      throw invalidCredentials();
    }
    if (user.status !== 'active') throw invalidCredentials();
    await this.throttle.recordSuccess(emailIndex, now);
    const session: SessionDocument = {
      _id: randomUUID(),
      userId: user._id,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.deps.refreshTtlSeconds * 1000),
    };
    await this.sessions.create(session);
    await this.deps.audit?.append('login.succeeded', user._id, { sessionId: session._id }, now);
    return this.issueTokens(user, session, now);
  }

  /** Exchanges a refresh token for a new pair; presenting a used token again revokes the whole session. */
  async refresh(refreshToken: string, now: Date): Promise<TokenPair> {
    const id = hashToken(refreshToken);
    const stored = await this.refreshTokens.findById(id).lean();
    if (!stored) throw invalidRefreshToken();
    // Claim the token's use by a unique insert (db/claims.ts). A second use is reuse — a stolen copy — and ends the
    // whole session, unless it comes within a few seconds of the first: that is the same client racing itself
    // (a tab reloaded while its refresh was in flight, two tabs), which gets a fresh pair in the same session.
    if (!(await claimOnce(this.claims, `refresh:${id}`, { at: now }))) {
      const first = await this.claims.findOne({ _id: `refresh:${id}` as never });
      const firstAt = first?.at instanceof Date ? first.at.getTime() : -Infinity;
      if (now.getTime() - firstAt > REFRESH_REUSE_GRACE_MS) {
        await this.revokeSession(stored.sessionId, 'refresh_token_reuse', now);
        throw invalidRefreshToken();
      }
    }
    const [session, user] = await Promise.all([
      this.sessions.findById(stored.sessionId).lean(),
      this.users.findById(stored.userId).lean(),
    ]);
    if (!session || !user || session.revokedAt || session.expiresAt <= now || stored.expiresAt <= now) {
      throw invalidRefreshToken();
    }
    if (user.status !== 'active') throw invalidRefreshToken();
    return this.issueTokens(user, session, now);
  }

  /** Ends the session the refresh token belongs to; its access tokens stop working on the next request. */
  async logout(refreshToken: string, now: Date): Promise<void> {
    const stored = await this.refreshTokens.findById(hashToken(refreshToken)).lean();
    if (!stored) throw invalidRefreshToken();
    await this.revokeSession(stored.sessionId, 'logout', now);
  }

  /**
   * Resolves a verified access token to its caller, or null if its session has ended or its account changed since
   * the token was issued (the client then refreshes and gets a token with the current state).
   */
  async resolveActor(claims: AccessClaims, now: Date): Promise<Actor | null> {
    if (await this.deps.revocations.isRevoked(claims, now)) return null;
    return {
      userId: claims.userId,
      sessionId: claims.sessionId,
      role: claims.role,
      researcherVerified: claims.researcherVerified,
      ...(claims.membership && { membership: claims.membership }),
    };
  }

  /** Loads and decrypts one account. */
  async getAccount(userId: string): Promise<Account> {
    const user = await this.users.findById(userId).lean();
    if (!user) throw new NotFound();
    return this.toAccount(user);
  }

  /** Changes the caller's own profile fields; role, e-mail and verification are not changeable here. */
  async updateProfile(userId: string, patch: ProfilePatch, now: Date): Promise<Account> {
    const user = await this.users.findById(userId).lean();
    if (!user) throw new NotFound();
    checkProfileRules(patch, user.role, now);
    const key = this.deps.keyring.unwrapMemberKey(user._id, toBuffer(user.wrappedKey));
    const profile = { ...openProfile(key, user._id, toBuffer(user.profile)), ...patch };
    // Only one writer may replace the version we read, so a concurrent change is never silently overwritten.
    if (!(await claimOnce(this.claims, `profile:${userId}:${user.updatedAt.getTime()}`, { at: now }))) {
      throw new Conflict('concurrent_update', 'The profile changed meanwhile; reload and try again.');
    }
    const updatedAt = now.getTime() > user.updatedAt.getTime() ? now : new Date(user.updatedAt.getTime() + 1);
    await this.users.updateOne({ _id: userId }, { $set: { profile: sealProfile(key, user._id, profile), updatedAt } });
    return this.toAccount({ ...user, profile: sealProfile(key, user._id, profile), updatedAt });
  }

  /** Researchers awaiting (or past) a steward's decision, oldest first. */
  async listResearchers(verification: 'pending' | 'verified' | 'rejected' | 'all'): Promise<Account[]> {
    const filter: Record<string, unknown> = { role: 'researcher' };
    if (verification !== 'all') filter['researcher.verification'] = verification;
    const users = await this.users.find(filter).sort({ createdAt: 1 }).limit(500).lean();
    return users.map((u) => this.toAccount(u));
  }

  /** A steward confirms a researcher's organisation and whether it is non-profit; idempotent for the same decision. */
  async verifyResearcher(
    researcherId: string,
    decision: { organisation: string; nonProfit: boolean },
    stewardId: string,
    now: Date,
  ): Promise<Account> {
    const started = performance.now();
    const user = await this.users.findById(researcherId).lean();
    if (!user || user.role !== 'researcher') throw new NotFound();
    const key = this.deps.keyring.unwrapMemberKey(user._id, toBuffer(user.wrappedKey));
    const profile = { ...openProfile(key, user._id, toBuffer(user.profile)), organisation: decision.organisation };
    const updated = await this.users
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
    await this.deps.revocations.accountChanged(researcherId, afterChange(now, started));
    return this.toAccount(updated);
  }

  /** Suspends a member's voting rights over [from, to) (open-ended without `to`); the account stays usable. */
  async suspendMembership(memberId: string, suspension: { from: Date; to?: Date }, now: Date): Promise<void> {
    const started = performance.now();
    const entry = { from: suspension.from, ...(suspension.to && { to: suspension.to }) };
    // A rare steward action; FerretDB could lose one of two simultaneous pushes on the same member (see
    // docs/database-compatibility.md), which a steward would see and repeat.
    const result = await this.users.updateOne(
      { _id: memberId, role: 'member' },
      { $push: { 'membership.suspensions': entry }, $set: { updatedAt: now } },
    );
    if (result.matchedCount === 0) throw new NotFound();
    await this.deps.revocations.accountChanged(memberId, afterChange(now, started));
  }

  /** Finds an account id by e-mail (CLI and demo seeding). */
  async findIdByEmail(email: string): Promise<string | null> {
    const user = await this.users.findOne({ emailIndex: this.emailIndex(email) }, { _id: 1 }).lean();
    return user?._id ?? null;
  }

  private async createAccount(input: RegistrationInput, now: Date): Promise<Account> {
    const id = randomUUID();
    const { key, wrapped } = this.deps.keyring.newMemberKey(id);
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
      emailIndex: this.emailIndex(input.email),
      role: input.role,
      status: 'active',
      passwordHash: await this.deps.passwords.hash(input.password),
      wrappedKey: wrapped,
      profile: sealProfile(key, id, profile),
      ...(input.role === 'member' && { membership: { joinedAt: now } }),
      ...(input.role === 'researcher' && { researcher: { verification: 'pending' as const } }),
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.users.create(document);
    } catch (error) {
      if (isDuplicateKey(error)) {
        throw new Conflict('email_unavailable', 'This e-mail address cannot be used for a new account.');
      }
      throw error;
    }
    return this.toAccount(document);
  }

  private async issueTokens(user: UserDocument, session: SessionDocument, now: Date): Promise<TokenPair> {
    const refreshToken = randomBytes(32).toString('base64url');
    await this.refreshTokens.create({
      _id: hashToken(refreshToken),
      sessionId: session._id,
      userId: user._id,
      createdAt: now,
      expiresAt: session.expiresAt,
    });
    // `now` is when this request began, before the account was read: a change written since makes the token stale.
    const access = await this.deps.tokens.issueAccessToken(accessClaimsOf(user, session._id, now), now);
    return { accessToken: access.token, refreshToken, expiresIn: access.expiresIn, tokenType: 'Bearer' };
  }

  private async revokeSession(sessionId: string, reason: SessionDocument['revokedReason'], now: Date) {
    await Promise.all([
      this.deps.revocations.endSession(sessionId, now),
      this.sessions.updateOne(
        { _id: sessionId, revokedAt: { $exists: false } },
        { $set: { revokedAt: now, revokedReason: reason } },
      ),
    ]);
  }

  private emailIndex(email: string): string {
    return this.deps.keyring.blindIndex('email', normaliseEmail(email));
  }

  private toAccount(user: UserDocument): Account {
    const key = this.deps.keyring.unwrapMemberKey(user._id, toBuffer(user.wrappedKey));
    return {
      id: user._id,
      role: user.role,
      status: user.status,
      profile: openProfile(key, user._id, toBuffer(user.profile)),
      ...(user.membership && { membership: user.membership }),
      ...(user.researcher && { researcher: user.researcher }),
      createdAt: user.createdAt,
    };
  }
}

/** The claims of an access token for this account and session, with the account state as read at `stateAt`. */
export function accessClaimsOf(
  user: Pick<UserDocument, '_id' | 'role' | 'researcher' | 'membership'>,
  sessionId: string,
  stateAt: Date,
): AccessClaims {
  return {
    userId: user._id,
    sessionId,
    role: user.role,
    stateAt: stateAt.getTime(),
    researcherVerified: user.researcher?.verification === 'verified',
    ...(user.membership && { membership: user.membership }),
  };
}

/** The request's clock (`now`, read when the request began) moved on by the time since `started`: "just now". */
function afterChange(now: Date, started: number): Date {
  return new Date(now.getTime() + Math.ceil(performance.now() - started));
}

/** SHA-256 of a refresh token: what the database stores instead of the token. */
function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Field rules that depend on role or on the clock (the edge schema checks shapes). */
function checkProfileRules(input: ProfilePatch, role: Role, now: Date): void {
  const details = [];
  if (input.birthYear !== undefined && !isPlausibleBirthYear(input.birthYear, now)) {
    details.push({ field: 'birthYear', code: 'implausible', message: 'Birth year is not plausible.' });
  }
  if (role !== 'member') {
    for (const field of ['birthYear', 'sex', 'region'] as const) {
      if (input[field] !== undefined) {
        details.push({ field, code: 'members_only', message: 'Only members have a research profile.' });
      }
    }
  }
  if (role !== 'researcher' && input.organisation !== undefined) {
    details.push({
      field: 'organisation',
      code: 'researchers_only',
      message: 'Only researchers name an organisation.',
    });
  }
  if (details.length > 0) throw new InvalidRequest('validation_failed', 'Some fields are not acceptable.', details);
}
