// Builders for the research tests: members with data and consent (fast, through the services), a verified
// researcher, and a policy carried through request → proposal → vote → approval with the test clock.
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { DEFAULT_CONSENT, type Consent } from '../../policies/research/consent.js';
import type { NormalisedObservation } from '../../policies/observations/observation-types.js';
import { FINALISATION_GRACE_MS } from '../../services/assembly/index.js';
import type { Profile } from '../../services/members/index.js';
import { insertMembers, issueAccessToken, registerAndLogin, type InsertedMember } from '../helpers/builders.js';
import type { TestApp } from '../helpers/test-app.js';

export const DAY = 86_400_000;
export const PERIOD = { from: '2025-01-01T00:00:00.000Z', to: '2027-06-01T00:00:00.000Z' };

/** A consent sharing `categories` at `level`, with optional overrides. */
export function consentFor(
  categories: string[],
  level: 'aggregate' | 'pseudonymised' = 'aggregate',
  extra: Partial<Consent> = {},
): Consent {
  return {
    ...DEFAULT_CONSENT,
    categories: Object.fromEntries(categories.map((c) => [c, level])),
    ...extra,
  };
}

export interface SeedOptions {
  category?: string;
  /** Observation values of member i (default: three heart rates around 60 + i). */
  values?: (i: number) => number[];
  consent?: Consent | null;
  profile?: (i: number) => Partial<Profile>;
}

/** Inserts `count` members who joined yesterday, stores their observations and records their consent. */
export async function seedMembers(app: TestApp, count: number, options: SeedOptions = {}): Promise<InsertedMember[]> {
  const now = app.clock.now();
  const category = options.category ?? 'heart-rate';
  const members = await insertMembers(app, count, {
    joinedAt: new Date(now.getTime() - DAY),
    ...(options.profile && { profile: options.profile }),
  });
  await Promise.all(
    members.map(async (member, i) => {
      const values = options.values?.(i) ?? [60 + i, 62 + i, 64 + i];
      const observations: NormalisedObservation[] = values.map((value, k) => ({
        category,
        effectiveAt: new Date(now.getTime() - (k + 1) * DAY).toISOString(),
        source: 'manual',
        // Blood pressure: `value` is the systolic pressure, the diastolic 40 below it.
        ...(category === 'blood-pressure'
          ? { unit: 'mm[Hg]', components: { systolic: value, diastolic: value - 40 } }
          : { unit: '/min', value }),
      }));
      await app.services.vault.storeObservations(member.id, observations);
      if (options.consent !== null) {
        await app.services.research.seedConsent(member.id, options.consent ?? consentFor([category]), now);
      }
    }),
  );
  return members;
}

/** A researcher registered through the API and verified by the steward; `token()` signs in at the current instant. */
export async function verifiedResearcher(app: TestApp, stewardId: string, verify = true, nonProfit = true) {
  const account = await registerAndLogin(app, {
    role: 'researcher',
    email: `researcher-${randomBytes(4).toString('hex')}@uni.example`,
    organisation: 'University of Bern',
  });
  if (verify) {
    const steward = await issueAccessToken(app, stewardId, 'steward', app.clock.now());
    const verified = await app.request('POST', `/api/steward/researchers/${account.id}/verify`, {
      token: steward,
      body: {
        organisation: 'University of Bern',
        nonProfit,
        evidence: { method: 'institutional_directory', note: 'Listed in the staff directory' },
      },
    });
    expect(verified.status, verified.text).toBe(200);
  }
  return { id: account.id, token: () => issueAccessToken(app, account.id, 'researcher', app.clock.now()) };
}

/** A request body; override any field. */
export function requestBody(overrides: Record<string, unknown> = {}) {
  return {
    title: 'Resting heart rate and age',
    purpose: 'How resting heart rate varies with age and sex in the general population.',
    duo: { permission: 'HMB', modifiers: ['NPUNCU'] },
    categories: ['heart-rate'],
    level: 'aggregate',
    statistics: ['count', 'mean', 'histogram'],
    groupBy: ['sex'],
    period: PERIOD,
    validUntil: '2027-12-01T00:00:00.000Z',
    epsilon: 1,
    ...overrides,
  };
}

/** Files a request, turns it into a proposal, opens it, lets `voters` vote `choice`, and moves past the count. */
export async function carryPolicy(
  app: TestApp,
  stewardId: string,
  researcher: { token: () => Promise<string> },
  voters: InsertedMember[],
  overrides: Record<string, unknown> = {},
  choice: 'yes' | 'no' = 'yes',
): Promise<{ policyId: string; proposalId: string; requestId: string; impact: unknown }> {
  const filed = await app.request('POST', '/api/research/requests', {
    token: await researcher.token(),
    body: requestBody(overrides),
  });
  expect(filed.status, filed.text).toBe(201);
  const steward = () => issueAccessToken(app, stewardId, 'steward', app.clock.now());
  const proposed = await app.request('POST', `/api/research/requests/${filed.body.id}/proposal`, {
    token: await steward(),
  });
  expect(proposed.status, proposed.text).toBe(201);
  const proposalId = proposed.body.proposal.id as string;
  const closesInMs = 7 * DAY + 3_600_000;
  const opened = await app.request('POST', `/api/proposals/${proposalId}/open`, {
    token: await steward(),
    body: { closesAt: new Date(app.clock.now().getTime() + closesInMs).toISOString() },
  });
  expect(opened.status, opened.text).toBe(200);
  for (const voter of voters) {
    const ballot = await app.request('POST', `/api/proposals/${proposalId}/ballots`, {
      token: await issueAccessToken(app, voter.id, 'member', app.clock.now()),
      body: { choice, secret: randomBytes(32).toString('hex') },
    });
    expect(ballot.status, ballot.text).toBe(200);
  }
  app.clock.advance(closesInMs + FINALISATION_GRACE_MS + 1_000);
  const request = await app.request('GET', `/api/research/requests/${filed.body.id}`, {
    token: await researcher.token(),
  });
  return { policyId: request.body.policyId, proposalId, requestId: filed.body.id, impact: proposed.body.impact };
}

/** Revokes a policy through the assembly (revoke-policy proposal approved by `voters`). */
export async function revokePolicy(app: TestApp, stewardId: string, policyId: string, voters: InsertedMember[]) {
  const steward = () => issueAccessToken(app, stewardId, 'steward', app.clock.now());
  const drafted = await app.request('POST', '/api/proposals', {
    token: await steward(),
    body: {
      kind: 'revoke-policy',
      title: 'Stop the heart-rate study',
      summary: 'Members asked.',
      targetPolicyId: policyId,
    },
  });
  expect(drafted.status, drafted.text).toBe(201);
  const closesInMs = 3 * DAY + 3_600_000;
  const opened = await app.request('POST', `/api/proposals/${drafted.body.id}/open`, {
    token: await steward(),
    body: { closesAt: new Date(app.clock.now().getTime() + closesInMs).toISOString() },
  });
  expect(opened.status, opened.text).toBe(200);
  for (const voter of voters) {
    const ballot = await app.request('POST', `/api/proposals/${drafted.body.id}/ballots`, {
      token: await issueAccessToken(app, voter.id, 'member', app.clock.now()),
      body: { choice: 'yes', secret: randomBytes(32).toString('hex') },
    });
    expect(ballot.status, ballot.text).toBe(200);
  }
  app.clock.advance(closesInMs + FINALISATION_GRACE_MS + 1_000);
}
