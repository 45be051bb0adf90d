// The members context's interface: accounts, sessions, profiles, researcher verification and membership, bound
// once to the users, sessions and refresh-token collections. Other parts use only what this file exports.
import type { Connection, mongo } from 'mongoose';
import type { AuditTrail } from '../audit/index.js';
import type { AccessClaims, Actor, Revocations, Role, TokenService } from '../auth/index.js';
import type { Keyring } from '../crypto/keyring.js';
import type { PasswordHasher } from '../crypto/password-hasher.js';
import type { Admission, MembershipRules } from '../../policies/members/membership.js';
import type { MailQueue } from '../mail/index.js';
import type { Notifier } from '../notifications/index.js';
import type { Account } from './members.model.js';
import { findIdByEmail, getAccount } from './account-records.js';
import type { AccountMailDeps } from './account-mail.js';
import { accountTokenStores } from './account-tokens.js';
import { verifyEmail } from './email-verification.js';
import { offerUnlock, unlockLogin } from './login-unlock.js';
import { requestPasswordReset, resetPassword } from './password-reset.js';
import { beginTotpEnrolment, confirmTotpEnrolment, hasSecondFactor, type SecondFactorProof } from './second-factor.js';
import { completeSecondFactorLogin } from './second-factor-login.js';
import { passkeyRegistrationOptions, registerPasskey, type RelyingParty } from './passkeys.js';
import { listSecondFactors, removePasskey, removeTotp, renewRecoveryCodes } from './second-factor-settings.js';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { admitMember, applyForMembership, excludeMember, refuseApplication, resignMembership } from './admission.js';
import { listRegister, type RegisterFilter } from './member-register.js';
import { logIn } from './log-in.js';
import { openSeededSessions, seedAdmittedMembers, type SeedMembersOptions } from './bulk-seeding.js';
import { rewrapDataKeys } from './data-key-rewrap.js';
import { LoginThrottle, type LoginThrottleOptions } from './login-throttle.js';
import { memberStanding, memberStandings, suspendMembership } from './membership.js';
import type {
  AffiliationChange,
  ProfilePatch,
  RegistrationInput,
  ResearcherFilter,
  ResearcherVerificationDecision,
} from './members.model.js';
import { updateProfile } from './profile-update.js';
import { registerAccount } from './registration.js';
import { changeAffiliation, listResearchers, verifyResearcher } from './researcher-verification.js';
import { refreshSession } from './session-refresh.js';
import { refreshTokenModel, sessionModel } from './session.model.js';
import { logOut, resolveActor } from './sessions.js';
import { appointSteward } from './steward-appointment.js';
import { stepUp, stepUpChallenge, type StepUpProof } from './step-up.js';
import { sweepAccountRecords } from './account-sweep.js';
import { throttleModel } from './throttle.model.js';
import { userModel } from './user.model.js';

export { AFFILIATION_CHANGE_REASONS, VERIFICATION_METHODS } from './members.model.js';
export type {
  Account,
  AffiliationChange,
  AffiliationChangeReason,
  MemberStanding,
  MembershipView,
  PossibleDuplicate,
  Profile,
  RegisterEntry,
  ProfilePatch,
  RegistrationInput,
  ResearcherDecision,
  ResearcherFilter,
  ResearcherVerificationDecision,
  VerificationEvidence,
  VerificationMethod,
  TokenPair,
} from './members.model.js';
export type { ResearcherVerification } from './user.model.js';
export type { LoginThrottleOptions } from './login-throttle.js';
export { ACCOUNT_WIDE_FACTOR, ACCOUNT_WIDE_MAX_DELAY_SECONDS } from './login-throttle.js';
export type { RegisterFilter } from './member-register.js';
export { REFRESH_REUSE_GRACE_MS } from './session-refresh.js';
export type { SecondFactorChallenge } from './log-in.js';
export type { SecondFactorProof } from './second-factor.js';
export type { PasskeyView, SecondFactorsView } from './second-factor-settings.js';
export type { StepUpChallenge, StepUpProof, SteppedUp } from './step-up.js';
export type { AccountSweep } from './account-sweep.js';
export { SINGLE_USE_CLAIM_RETENTION_MS } from './account-sweep.js';
// What an authenticator app computes from the enrolment's secret (tests and the demo use it).
export { base32Decode, hotp, totp, totpStep } from './domain/totp.js';
// What research, the vault and erasure use: the directory of active members and the erasure of account records.
export { createMemberDirectory, type DirectoryMember, type MemberDirectory } from './member-directory.js';
export { eraseAccountRecords, verifyAccountPassword } from './account-erasure.js';

export interface MembersDeps {
  connection: Connection;
  keyring: Keyring;
  passwords: PasswordHasher;
  tokens: TokenService;
  revocations: Revocations;
  refreshTtlSeconds: number;
  throttle: LoginThrottleOptions;
  /** Log-ins (success and failure) go to the audit log, under the account id or a keyed hash of the e-mail. */
  audit?: AuditTrail;
  /** The account's own mail (verification, reset, unlock); without it nothing is mailed. */
  mail?: MailQueue;
  /** Base of the links in that mail. */
  publicUrl?: string;
  /** Tells applicants that their membership was decided (in-app and e-mail). */
  notifier?: Notifier;
}

/** Binds the members' use cases to their collections; call `ensureIndexes` once at start-up. */
export function createMembers(deps: MembersDeps) {
  const { connection, keyring, passwords, tokens, revocations, audit } = deps;
  const users = userModel(connection);
  const sessions = sessionModel(connection);
  const refreshTokens = refreshTokenModel(connection);
  const claims: mongo.Collection<mongo.Document> = connection.collection('claims');
  const throttle = new LoginThrottle(throttleModel(connection), deps.throttle);
  const reading = { users, keyring };
  const creation = { users, keyring, passwords };
  const sessionStores = { users, sessions, refreshTokens, tokens, revocations };
  const admissionStores = { users, claims, keyring, revocations, ...(audit && { audit }) };
  const accountMail: AccountMailDeps = {
    keyring,
    claims,
    ...(deps.mail && { mail: deps.mail }),
    publicUrl: deps.publicUrl ?? '',
  };
  const accountTokens = accountTokenStores(connection);
  const publicUrl = new URL(deps.publicUrl || 'http://localhost');
  const relyingParty: RelyingParty = { id: publicUrl.hostname, origin: publicUrl.origin, name: 'Datacoop' };
  const passkeyDeps = { users, keyring, accountTokens, relyingParty, ...(audit && { audit }) };
  // The applicant learns of the decision in their own language; the reason of a refusal stays in the app.
  const notifyDecision = async (account: Account, decision: 'admitted' | 'refused', now: Date) => {
    const words = { en: { admitted: 'admitted', refused: 'refused' }, fr: { admitted: 'admission', refused: 'refus' } };
    await deps.notifier?.notify(
      {
        kind: 'membership-decided',
        eventId: `${decision}:${now.getTime()}`,
        userId: account.id,
        params: { decision },
        email: {
          to: account.profile.email,
          locale: account.locale,
          name: account.profile.name,
          url: `${deps.publicUrl ?? ''}/account`,
          params: { decision: words[account.locale][decision] },
        },
      },
      now,
    );
  };
  const unlocking = {
    users,
    keyring,
    throttle,
    accountMail,
    accountTokens,
    windowSeconds: deps.throttle.windowSeconds,
    ...(audit && { audit }),
  };
  const stepUpDeps = {
    users,
    sessions,
    claims,
    keyring,
    passwords,
    throttle,
    tokens,
    accountTokens,
    relyingParty,
    ...(audit && { audit }),
  };
  const resetting = {
    users,
    sessions,
    refreshTokens,
    claims,
    keyring,
    passwords,
    revocations,
    throttle,
    accountMail,
    accountTokens,
    ...(audit && { audit }),
  };

  return {
    /**
     * Benchmarks and tests only (never over HTTP): inserts `count` admitted members at once with one shared password
     * hash, and opens sessions for accounts without a log-in — the documents registration, admission and log-in write.
     */
    seeding: {
      admittedMembers: (count: number, options: SeedMembersOptions, passwordHash: string) =>
        seedAdmittedMembers({ users, sessions, keyring, passwords, tokens }, count, options, passwordHash),
      sessions: (userIds: readonly string[], role: Role, now: Date) =>
        openSeededSessions({ users, sessions, keyring, passwords, tokens }, userIds, role, now),
    },

    /** Every account's id, streamed (the data check after a restore opens each account's key). */
    async *accountIds(): AsyncGenerator<string> {
      for await (const user of users.find({}, { _id: 1 }).lean().cursor()) yield user._id;
    },
    /** Master-key rotation: rewraps every account's data key under the current master key (resumable). */
    rewrapDataKeys: (progress: (done: number) => void = () => {}) => rewrapDataKeys({ users, keyring }, progress),

    /** Housekeeping: deletes expired account tokens and single-use claims nothing can present again. */
    sweepExpiredRecords: (now: Date) => sweepAccountRecords(accountTokens, now),

    /** Creates the collections' indexes; run once at start-up. */
    async ensureIndexes(): Promise<void> {
      await Promise.all([
        users.createIndexes(),
        sessions.createIndexes(),
        refreshTokens.createIndexes(),
        accountTokens.tokens.createIndex({ userId: 1 }),
      ]);
    },

    // ---- registration and appointment -------------------------------------------------------------------

    /** Registers an account holder (not yet a member) or a researcher (pending); over HTTP, throttled per address. */
    register: (input: RegistrationInput, now: Date, clientAddress?: string) =>
      registerAccount({ ...creation, throttle, accountMail, accountTokens }, input, now, clientAddress),
    /** Confirms the account's e-mail address with the link sent at registration (once). */
    verifyEmail: (token: string, now: Date) =>
      verifyEmail({ users, accountTokens, ...(audit && { audit }) }, token, now),
    /** Mails a reset link if the address has an account; the same (silent) outcome when it has none. */
    requestPasswordReset: (email: string, clientAddress: string, now: Date) =>
      requestPasswordReset(resetting, email, clientAddress, now),
    /** Sets a new password with a reset token (once) and ends every session of the account. */
    resetPassword: (token: string, password: string, now: Date) => resetPassword(resetting, token, password, now),
    /** The mailed unlock link: lifts the account's log-in delays for the address presenting it (once). */
    unlockLogin: (token: string, clientAddress: string, now: Date) => unlockLogin(unlocking, token, clientAddress, now),
    /** Creates the first (or another) steward; used by the CLI, never over HTTP. */
    createSteward: (input: Omit<RegistrationInput, 'role'>, now: Date) => appointSteward(creation, input, now),

    // ---- log-in and sessions ----------------------------------------------------------------------------

    /** Checks the password and opens a new session; unknown e-mail and wrong password look the same. */
    login: (email: string, password: string, clientAddress: string, now: Date) =>
      logIn(
        {
          ...sessionStores,
          keyring,
          passwords,
          throttle,
          refreshTtlSeconds: deps.refreshTtlSeconds,
          audit,
          accountTokens,
          offerUnlock: (emailIndex, at) => offerUnlock(unlocking, emailIndex, at),
        },
        email,
        password,
        clientAddress,
        now,
      ),
    /** The second step of a log-in with a second factor: the challenge and a code or recovery code. */
    loginSecondFactor: (challenge: string, proof: SecondFactorProof, now: Date) =>
      completeSecondFactorLogin(
        {
          ...sessionStores,
          keyring,
          passwords,
          throttle,
          claims,
          accountTokens,
          relyingParty,
          refreshTtlSeconds: deps.refreshTtlSeconds,
          ...(audit && { audit }),
        },
        challenge,
        proof,
        now,
      ),
    /** Starts a TOTP enrolment: the secret for the authenticator app (shown once). */
    beginTotpEnrolment: (userId: string) => beginTotpEnrolment({ users, claims, keyring, audit }, userId),
    /** Confirms the enrolment with a first code; returns the ten recovery codes (shown once). */
    confirmTotpEnrolment: (userId: string, code: string, now: Date) =>
      confirmTotpEnrolment({ users, claims, keyring, audit }, userId, code, now),
    /** The options for registering a passkey (navigator.credentials.create), with a single-use challenge. */
    passkeyRegistrationOptions: (userId: string, now: Date) => passkeyRegistrationOptions(passkeyDeps, userId, now),
    /** Verifies the authenticator's registration response and keeps the passkey as a second factor. */
    registerPasskey: (userId: string, response: RegistrationResponseJSON, now: Date, name?: string) =>
      registerPasskey(passkeyDeps, userId, response, now, name),
    /** The owner's second factors: the authenticator app's date, passkeys, recovery codes left (no key material). */
    listSecondFactors: (userId: string) => listSecondFactors({ users, claims, keyring, audit }, userId),
    /** Removes the authenticator app (a steward's last factor is refused). */
    removeTotp: (userId: string, now: Date) => removeTotp({ users, claims, keyring, audit }, userId, now),
    /** Removes one passkey (a steward's last factor is refused). */
    removePasskey: (userId: string, passkeyId: string, now: Date) =>
      removePasskey({ users, claims, keyring, audit }, userId, passkeyId, now),
    /** Ten new recovery codes, shown once; the earlier ones stop working. */
    renewRecoveryCodes: (userId: string, now: Date) =>
      renewRecoveryCodes({ users, claims, keyring, audit }, userId, now),
    /** Whether the account has a confirmed second factor. */
    async hasSecondFactor(userId: string): Promise<boolean> {
      const user = await users.findById(userId, { secondFactor: 1 }).lean();
      return user !== null && hasSecondFactor(user);
    },
    /** What a step-up of the caller needs (password or second factor; a challenge for passkeys). */
    stepUpChallenge: (actor: Actor, now: Date) => stepUpChallenge(stepUpDeps, actor, now),
    /** Re-authenticates the caller (throttled as log-in): an access token of the session, freshly authenticated. */
    stepUp: (actor: Actor, proof: StepUpProof, clientAddress: string, now: Date) =>
      stepUp(stepUpDeps, actor, proof, clientAddress, now),
    /** Exchanges a refresh token for a new pair; presenting a used token again revokes the whole session. */
    refresh: (refreshToken: string, now: Date) => refreshSession({ ...sessionStores, claims }, refreshToken, now),
    /** Ends the session the refresh token belongs to. */
    logout: (refreshToken: string, now: Date) => logOut(sessionStores, refreshToken, now),
    /** The caller behind a verified access token, or null if its session ended or its account changed since. */
    resolveActor: (claims: AccessClaims, now: Date) => resolveActor({ revocations }, claims, now),

    // ---- profile ----------------------------------------------------------------------------------------

    /** Loads and decrypts one account. */
    getAccount: (userId: string) => getAccount(reading, userId),
    /** Changes the caller's own profile fields; role, e-mail and verification are not changeable here. */
    updateProfile: (userId: string, patch: ProfilePatch, now: Date) =>
      updateProfile({ users, claims, keyring }, userId, patch, now),
    /** Finds an account id by e-mail (CLI and demo seeding). */
    findIdByEmail: (email: string) => findIdByEmail(reading, email),

    // ---- stewards' decisions ----------------------------------------------------------------------------

    /** Researchers awaiting (or past) a steward's decision, oldest first. */
    listResearchers: (verification: ResearcherFilter) => listResearchers(reading, verification),
    /** A steward confirms a pending researcher's organisation and whether it is non-profit; once only. */
    verifyResearcher: (researcherId: string, decision: ResearcherVerificationDecision, stewardId: string, now: Date) =>
      verifyResearcher({ users, claims, keyring, revocations, audit }, researcherId, decision, stewardId, now),
    /** A steward changes a verified researcher's organisation or non-profit status, with a reason (audited). */
    changeAffiliation: (researcherId: string, change: AffiliationChange, stewardId: string, now: Date) =>
      changeAffiliation({ users, claims, keyring, revocations, audit }, researcherId, change, stewardId, now),
    /** Suspends a member's voting rights over [from, to); the account stays usable. */
    suspendMembership: (memberId: string, suspension: { from: Date; to?: Date }, now: Date) =>
      suspendMembership({ users, revocations }, memberId, suspension, now),

    // ---- membership: application, admission, ending, register -------------------------------------------

    /** An account holder applies for membership (again only after a refusal). */
    applyForMembership: (userId: string, now: Date) => applyForMembership(admissionStores, userId, now),
    /** A steward admits an applicant after the bylaws' checks; voting rights start now. */
    async admit(userId: string, admission: Admission, rules: MembershipRules, stewardId: string, now: Date) {
      const account = await admitMember(admissionStores, userId, admission, rules, stewardId, now);
      await notifyDecision(account, 'admitted', now);
      return account;
    },
    /** A steward refuses an application, with a reason the applicant reads. */
    async refuseApplication(userId: string, reason: string, stewardId: string, now: Date) {
      const account = await refuseApplication(admissionStores, userId, reason, stewardId, now);
      await notifyDecision(account, 'refused', now);
      return account;
    },
    /** A member resigns; rights end after the bylaws' notice. */
    resign: (userId: string, rules: MembershipRules, now: Date) =>
      resignMembership(admissionStores, userId, rules, now),
    /** A steward excludes a member with a reason; rights end at once. */
    exclude: (userId: string, reason: string, stewardId: string, now: Date) =>
      excludeMember(admissionStores, userId, reason, stewardId, now),
    /** The register of members for stewards (name and steps, never data), with duplicate hints for applicants. */
    memberRegister: (status: RegisterFilter) => listRegister(reading, status),

    // ---- for the assembly -------------------------------------------------------------------------------

    /** One account's standing as a member (null for non-members), as the assembly's eligibility rules read it. */
    memberStanding: (userId: string) => memberStanding(users, userId),
    /** Every member's standing, to fix an electorate or find whom to remind. */
    memberStandings: () => memberStandings(users),
  };
}

/** The members context as bound by `createMembers`. */
export type Members = ReturnType<typeof createMembers>;
