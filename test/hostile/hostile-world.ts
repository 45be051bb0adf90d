// A small cooperative for the hostile suites, built through the API: one account per role (and a second member and
// researcher whose objects the first must never reach), an approved policy, proposals in every state, requests.
// Every token comes from POST /api/auth/login, so the suites do not depend on how tokens are minted.
import { randomBytes, randomUUID } from 'node:crypto';
import { FINALISATION_GRACE_MS } from '../../services/assembly/index.js';
import { createStewardAndLogin, insertMembers, login, registerAndLogin } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { operationsOf, type Operation } from './hostile-http.js';

const DAY = 86_400_000;

export type Caller = 'anonymous' | 'member' | 'researcher' | 'steward';
export const CALLERS: readonly Caller[] = ['anonymous', 'member', 'researcher', 'steward'];

export interface Person {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

export interface World {
  app: TestApp;
  openapi: { paths: Record<string, Record<string, Record<string, unknown>>> };
  operations: Operation[];
  steward: Person;
  member: Person;
  otherMember: Person;
  researcher: Person;
  otherResearcher: Person;
  /** A researcher nobody verified yet (the fuzzer may verify them: verifying changes a researcher's token state). */
  pendingResearcher: Person;
  /** An approved, active aggregate policy whose grantee is `researcher`. */
  policyId: string;
  proposals: { approved: string; open: string; draft: string; otherDraft: string };
  /** `researcher`'s request (proposed) and `otherResearcher`'s (submitted). */
  requests: { own: string; other: string };
  /** The bearer token of each caller, undefined for anonymous. */
  tokenOf(caller: Caller): string | undefined;
  /** Logs `person` in again: a fresh session with a fresh token pair. */
  freshSession(person: Person): Promise<Person>;
  /** A new account of `role`, logged in (for operations that end sessions or erase accounts). */
  throwaway(role: 'member' | 'researcher'): Promise<Person>;
}

export function requestBody(overrides: Record<string, unknown> = {}) {
  return {
    title: 'Resting heart rate and age',
    purpose: 'How resting heart rate varies with age and sex in the general population.',
    duo: { permission: 'HMB', modifiers: ['NCU'] },
    categories: ['heart-rate'],
    level: 'aggregate',
    statistics: ['count', 'mean', 'histogram'],
    groupBy: ['sex'],
    period: { from: '2025-01-01T00:00:00.000Z', to: '2027-06-01T00:00:00.000Z' },
    validUntil: '2027-12-01T00:00:00.000Z',
    epsilon: 3,
    ...overrides,
  };
}

function expectStatus(response: { status: number; text: string }, status: number, what: string): void {
  if (response.status !== status)
    throw new Error(`${what}: expected ${status}, got ${response.status} ${response.text}`);
}

/** Builds the world on a fresh app; `env` overrides configuration (log-in limits are lifted unless overridden). */
export async function buildWorld(env: Record<string, string> = {}): Promise<World> {
  const app = await createTestApp({
    // Not higher: a successful log-in clears the account's failure slots with one query naming every slot.
    LOGIN_MAX_ATTEMPTS_PER_IP: '100000',
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000',
    // HOSTILE_LOG_LEVEL=error shows the server's side of a failure (the stack of a 500) while replaying it.
    ...(process.env.HOSTILE_LOG_LEVEL && { LOG_LEVEL: process.env.HOSTILE_LOG_LEVEL }),
    ...env,
  });
  const stewardAccount = await createStewardAndLogin(app);
  const registerResearcher = async (verify: boolean): Promise<Person> => {
    const person = await registerAndLogin(app, {
      role: 'researcher',
      email: `researcher-${randomUUID().slice(0, 8)}@uni.example`,
      organisation: 'University of Bern',
    });
    if (verify) {
      const verified = await app.request('POST', `/api/steward/researchers/${person.id}/verify`, {
        token: stewardAccount.accessToken,
        body: {
          organisation: 'University of Bern',
          nonProfit: true,
          evidence: { method: 'institutional_directory', note: 'Listed in the staff directory' },
        },
      });
      expectStatus(verified, 200, 'verify researcher');
    }
    return person;
  };
  const researcherAccount = await registerResearcher(true);
  const otherResearcherAccount = await registerResearcher(true);
  const pendingResearcher = await registerResearcher(false);
  const memberAccount = await registerAndLogin(app, { birthYear: 1980, sex: 'female', region: 'CH01' });
  const otherMemberAccount = await registerAndLogin(app);
  const voters = await insertMembers(app, 3, { joinedAt: new Date(app.clock.now().getTime() - 30 * DAY) });

  // Every log-in costs an Argon2 hash; the steward's first token serves until the clock moves.
  const steward = async () => stewardAccount.accessToken;
  const researcherToken = async () =>
    (await login(app, researcherAccount.email, researcherAccount.password)).accessToken;

  // The researcher's request becomes an approved policy: proposal, opening, three yes votes, the count.
  const filed = await app.request('POST', '/api/research/requests', {
    token: await researcherToken(),
    body: requestBody(),
  });
  expectStatus(filed, 201, 'file request');
  const proposed = await app.request('POST', `/api/research/requests/${filed.body.id}/proposal`, {
    token: await steward(),
  });
  expectStatus(proposed, 201, 'propose request');
  const approved = proposed.body.proposal.id as string;
  const closesInMs = 7 * DAY + 3_600_000;
  const opened = await app.request('POST', `/api/proposals/${approved}/open`, {
    token: await steward(),
    body: { closesAt: new Date(app.clock.now().getTime() + closesInMs).toISOString() },
  });
  expectStatus(opened, 200, 'open proposal');
  for (const voter of voters) {
    const token = (await login(app, voter.email, 'correct horse battery staple')).accessToken;
    const ballot = await app.request('POST', `/api/proposals/${approved}/ballots`, {
      token,
      body: { choice: 'yes', secret: randomBytes(32).toString('hex') },
    });
    expectStatus(ballot, 200, 'ballot');
  }
  app.clock.advance(closesInMs + FINALISATION_GRACE_MS + 1_000);

  // Everyone signs in after the clock moved, so their tokens are fresh at the app's "now".
  const relogin = async (person: { id: string; email: string; password: string }): Promise<Person> => ({
    id: person.id,
    email: person.email,
    password: person.password,
    ...(await login(app, person.email, person.password)),
  });
  const world = {
    app,
    steward: await relogin(stewardAccount),
    member: await relogin(memberAccount),
    otherMember: await relogin(otherMemberAccount),
    researcher: await relogin(researcherAccount),
    otherResearcher: await relogin(otherResearcherAccount),
  };
  const ownRequest = await app.request('GET', `/api/research/requests/${filed.body.id}`, {
    token: world.researcher.accessToken,
  });
  expectStatus(ownRequest, 200, 'read request');
  const policyId = ownRequest.body.policyId as string;
  const otherFiled = await app.request('POST', '/api/research/requests', {
    token: world.otherResearcher.accessToken,
    body: requestBody({ title: 'Sleep and region' }),
  });
  expectStatus(otherFiled, 201, 'file other request');

  const draft = async (title: string) => {
    const drafted = await app.request('POST', '/api/proposals', {
      token: world.steward.accessToken,
      body: { kind: 'revoke-policy', title, summary: 'Members asked.', targetPolicyId: policyId },
    });
    expectStatus(drafted, 201, 'draft proposal');
    return drafted.body.id as string;
  };
  const open = await draft('Stop the heart-rate study');
  const openedNow = await app.request('POST', `/api/proposals/${open}/open`, {
    token: world.steward.accessToken,
    body: { closesAt: new Date(app.clock.now().getTime() + 4 * DAY).toISOString() },
  });
  expectStatus(openedNow, 200, 'open revoke proposal');

  const openapi = (await app.request('GET', '/openapi.json')).body as World['openapi'];
  const tokens: Record<Caller, () => string | undefined> = {
    anonymous: () => undefined,
    member: () => world.member.accessToken,
    researcher: () => world.researcher.accessToken,
    steward: () => world.steward.accessToken,
  };
  return {
    ...world,
    pendingResearcher,
    openapi,
    operations: operationsOf(openapi),
    policyId,
    proposals: { approved, open, draft: await draft('A draft'), otherDraft: await draft('Another draft') },
    requests: { own: filed.body.id as string, other: otherFiled.body.id as string },
    tokenOf: (caller) => tokens[caller](),
    freshSession: (person) => relogin(person),
    async throwaway(role) {
      const person = await registerAndLogin(app, {
        role,
        ...(role === 'researcher' && { organisation: 'Throwaway Institute' }),
      });
      return person;
    },
  };
}

/** Whether `caller` may call an operation with this `x-access`. */
export function isAllowed(access: Operation['access'], caller: Caller): boolean {
  if (access === 'public') return true;
  if (caller === 'anonymous') return false;
  if (access === 'authenticated') return true;
  return access.includes(caller);
}
