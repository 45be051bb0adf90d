// Builders with overrides for accounts, so each test states only what matters to it.
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { currentBylaws, membershipRulesOf } from '../../policies/assembly/bylaws.js';
import type { Role } from '../../services/auth/index.js';
import type { Services } from '../../services/container.js';
import { base32Decode, hotp, totpStep, type Profile } from '../../services/members/index.js';
import type { TestApp } from './test-app.js';

export interface BuiltAccount {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

/** A registration body for a member with unique e-mail; override any field. */
export function buildRegistration(overrides: Record<string, unknown> = {}) {
  return {
    email: `member-${randomUUID().slice(0, 8)}@example.org`,
    password: 'correct horse battery staple',
    name: 'Test Member',
    role: 'member',
    ...overrides,
  };
}

/** The seeding steward's name in the register and the audit log: admissions made by test builders, not a person. */
export const BUILDER_STEWARD = 'seed:test-builder';

/**
 * Admits an account holder the way a steward does (application, then admission with the bylaws' checks), through
 * the members context, so the audit log and the register show both steps. Voting rights start at `now`.
 */
export async function admitAccountHolder(app: Pick<TestApp, 'services' | 'clock'>, userId: string): Promise<void> {
  const now = app.clock.now();
  const rules = membershipRulesOf(currentBylaws);
  await app.services.members.applyForMembership(userId, now);
  await app.services.members.admit(
    userId,
    { identityMethod: rules.identityMethods[0]!, shareSubscribed: { ...rules.shareCapital } },
    rules,
    BUILDER_STEWARD,
    now,
  );
}

/**
 * Registers an account through the API and logs it in. A `member` account is also admitted (application and a
 * steward's admission), as a member of the cooperative; pass `{ admitted: false }` for a mere account holder.
 */
export async function registerAndLogin(
  app: TestApp,
  overrides: Record<string, unknown> = {},
  options: { admitted?: boolean } = {},
): Promise<BuiltAccount> {
  const registration = buildRegistration(overrides);
  const registered = await app.request('POST', '/api/auth/register', { body: registration });
  if (registered.status !== 201) throw new Error(`register failed: ${registered.status} ${registered.text}`);
  if (registration.role === 'member' && options.admitted !== false) await admitAccountHolder(app, registered.body.id);
  const tokens = await login(app, registration.email as string, registration.password as string);
  return {
    id: registered.body.id,
    email: registration.email as string,
    password: registration.password as string,
    ...tokens,
  };
}

/** Logs in through the API and returns the token pair. */
export async function login(app: TestApp, email: string, password: string) {
  const response = await app.request('POST', '/api/auth/login', { body: { email, password } });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${response.text}`);
  return { accessToken: response.body.accessToken as string, refreshToken: response.body.refreshToken as string };
}

/** Creates a steward directly (stewards are appointed by CLI, never over HTTP) and logs them in. */
export async function createStewardAndLogin(app: TestApp): Promise<BuiltAccount> {
  const email = `steward-${randomUUID().slice(0, 8)}@example.org`;
  const password = 'steward password 2026';
  const account = await app.services.members.createSteward({ email, password, name: 'Test Steward' }, app.clock.now());
  return { id: account.id, email, password, ...(await login(app, email, password)) };
}

/**
 * What the fast member builders need: the app's services and its connection (a TestApp has them; so does a
 * benchmark). They write the members context's own documents directly, for speed: a test-only back door.
 */
export interface ServiceHost {
  services: Services;
  connection: Connection;
}

export interface InsertedMember {
  id: string;
  email: string;
}

const sharedPasswordHashes = new WeakMap<Services, Promise<string>>();

/**
 * Inserts `count` admitted members at once — the documents `members.register` and admission write (sealed profile,
 * wrapped key, blind e-mail index), admitted at `joinedAt` — with one Argon2 hash computed once and shared, so that
 * hundreds of voters take seconds instead of minutes. Use `issueAccessToken` to sign them in.
 */
export async function insertMembers(
  host: ServiceHost,
  count: number,
  options: { joinedAt: Date; password?: string; profile?: (index: number) => Partial<Profile> },
): Promise<InsertedMember[]> {
  let hash = sharedPasswordHashes.get(host.services);
  if (!hash) {
    hash = host.services.passwords.hash(options.password ?? 'correct horse battery staple');
    sharedPasswordHashes.set(host.services, hash);
  }
  return host.services.members.seeding.admittedMembers(count, { ...options, admittedBy: BUILDER_STEWARD }, await hash);
}

/** Opens a session for an existing account and returns a valid access token for it at `now`. */
export async function issueAccessToken(host: ServiceHost, userId: string, role: Role, now: Date): Promise<string> {
  const [token] = await host.services.members.seeding.sessions([userId], role, stateReadAfter(now));
  return token!;
}

/** Signs in many accounts at once (one session each), in batches to keep the database busy but not flooded. */
export async function issueAccessTokens(
  host: ServiceHost,
  userIds: readonly string[],
  role: Role,
  now: Date,
): Promise<string[]> {
  return host.services.members.seeding.sessions(userIds, role, stateReadAfter(now));
}

/**
 * The instant a test token's state counts as read: 2 ms after `now`. A change of an account (verification,
 * suspension, admission) makes older tokens stale from its finish rounded up to the next millisecond, so a token
 * read in that same millisecond is refused (401) and a real client refreshes; tests ask for the state after it.
 */
function stateReadAfter(now: Date): Date {
  return new Date(now.getTime() + 2);
}

/** A valid access policy (JSON as a proposal carries it) under the founding bylaws, valid a year from `now`. */
export function buildAccessPolicy(now: Date, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: randomUUID(),
    version: 1,
    grantee: 'researcher-1',
    purpose: 'Sleep duration by region, for public-health research.',
    duo: { permission: 'HMB', modifiers: ['NPUNCU'] },
    categories: ['sleep-duration'],
    level: 'aggregate',
    statistics: ['count', 'mean'],
    groupBy: ['region'],
    period: { from: '2024-01-01T00:00:00.000Z', to: '2025-01-01T00:00:00.000Z' },
    validUntil: new Date(now.getTime() + 365 * 86_400_000).toISOString(),
    epsilonBudget: 1,
    minCellSize: 11,
    ...overrides,
  };
}

/**
 * Stores an access-policy vote approved and counted in the past (two days ago), as the assembly would have
 * stored it: the policy is in force from then. Returns the policy and proposal ids.
 */
export async function seedEnactedPolicy(
  host: { connection: Connection; clock: { now(): Date } },
  overrides: Record<string, unknown> = {},
): Promise<{ policyId: string; proposalId: string; policy: Record<string, unknown> }> {
  const now = host.clock.now();
  const policy = buildAccessPolicy(now, overrides);
  const proposalId = randomUUID();
  const day = 86_400_000;
  const content = { title: 'Seeded sleep study', summary: 'Approved earlier.', policy };
  const db = host.connection.db!;
  await db.collection('proposals').insertOne({
    _id: proposalId as never,
    kind: 'access-policy',
    targetPolicyId: policy.id,
    content,
    createdBy: 'steward',
    createdAt: new Date(now.getTime() - 12 * day),
    updatedAt: new Date(now.getTime() - 12 * day),
  });
  await db.collection('proposal_transitions').insertOne({
    _id: proposalId as never,
    kind: 'access-policy',
    targetKey: policy.id,
    targetGeneration: 1,
    openedAt: new Date(now.getTime() - 10 * day),
    closesAt: new Date(now.getTime() - 2 * day),
    actorId: 'steward',
    electorate: 1,
    content,
    bylawsVersion: 1,
  });
  await db.collection('proposal_outcomes').insertOne({
    _id: proposalId as never,
    outcome: 'approved',
    reason: 'approved',
    totals: { yes: 1, no: 0, abstain: 0, cast: 1, electorate: 1 },
    ballotListDigest: '0'.repeat(64),
    finalisedAt: new Date(now.getTime() - 2 * day),
  });
  return { policyId: policy.id as string, proposalId, policy };
}

/** Sets up an authenticator app for the account through the API (secret, then its current code). */
export async function enrolTotp(
  app: TestApp,
  account: Pick<BuiltAccount, 'accessToken'>,
): Promise<{ secret: string; recoveryCodes: string[] }> {
  const started = await app.request('POST', '/api/me/second-factor/totp', { token: account.accessToken });
  const secret = started.body.secret as string;
  const confirmed = await app.request('POST', '/api/me/second-factor/totp/confirm', {
    token: account.accessToken,
    body: { code: hotp(base32Decode(secret), totpStep(app.clock.now())) },
  });
  if (confirmed.status !== 200) throw new Error(`TOTP enrolment failed: ${confirmed.status} ${confirmed.text}`);
  return { secret, recoveryCodes: confirmed.body.recoveryCodes };
}
