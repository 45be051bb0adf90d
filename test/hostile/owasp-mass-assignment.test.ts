// OWASP API3 (broken object property level authorisation: mass assignment) and prototype pollution. For every
// operation with a JSON body, the fields its answer shows but its body does not accept (role, status, verification,
// membership, ids, timestamps …) are sent anyway: each is refused with 400 unknown_field, and nothing changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeConnections, send, type Operation } from './hostile-http.js';
import type { JsonSchema } from './json-schema.js';
import { buildWorld, requestBody, type Caller, type World } from './hostile-world.js';
import { buildRegistration } from '../helpers/builders.js';

let world: World;
beforeAll(async () => {
  world = await buildWorld();
}, 180_000);
afterAll(async () => {
  closeConnections();
  await world?.app.close();
});

const nameOf = (operation: Operation) => `${operation.method} ${operation.path}`;

/** Field names a schema accepts at its top level (every branch of a oneOf/anyOf). */
function fieldsOf(schema: JsonSchema | undefined): Set<string> {
  if (!schema) return new Set();
  const branches = [schema, ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])];
  return new Set(branches.flatMap((branch) => Object.keys(branch.properties ?? {})));
}

function successSchema(operation: Operation): JsonSchema | undefined {
  const success = Object.entries(operation.responses).find(([status]) => status.startsWith('2'));
  return success?.[1].content?.['application/json']?.schema;
}

/** Fields an operation shows in its answer but must never take from the client. */
function protectedFields(operation: Operation): string[] {
  const accepted = fieldsOf(operation.requestBody?.content['application/json']?.schema);
  return [...fieldsOf(successSchema(operation))].filter((field) => !accepted.has(field));
}

/** A valid body per operation, who sends it, and how to read back the state the smuggled fields must not change. */
interface Case {
  caller: Caller;
  path: (w: World) => string;
  body: () => Record<string, unknown>;
  /** Extra fields beyond the answer's (state the answer does not show, but the database holds). */
  extra?: Record<string, unknown>;
  /** The state before and after, which must be equal. */
  state: (w: World) => Promise<unknown>;
}

const get = async (path: string, token: string) =>
  (await send(world.app.baseUrl, { method: 'GET', path, headers: { authorization: `Bearer ${token}` } })).json;

const STORAGE_FIELDS = {
  _id: '00000000-0000-4000-8000-000000000000',
  __v: 7,
  passwordHash: 'x',
  wrappedKey: 'x',
  membership: { joinedAt: '2000-01-01T00:00:00.000Z' },
  researcher: { verification: 'verified', nonProfit: true },
  schemaVersion: 99,
  updatedAt: '2000-01-01T00:00:00.000Z',
};

const CASES: Record<string, Case> = {
  'POST /api/auth/register': {
    caller: 'anonymous',
    path: () => '/api/auth/register',
    body: () => buildRegistration({ email: 'mass-assignment@example.org' }),
    extra: STORAGE_FIELDS,
    state: async (w) =>
      (
        await send(w.app.baseUrl, {
          method: 'POST',
          path: '/api/auth/login',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'mass-assignment@example.org', password: 'correct horse battery staple' }),
        })
      ).status,
  },
  'POST /api/public/audit/cosignatures': {
    caller: 'anonymous',
    path: () => '/api/public/audit/cosignatures',
    body: () => ({ size: 1, cosignature: '\u2014 witness.test/w AAAA' }),
    extra: { witness: 'witness.test/listed', at: '2000-01-01T00:00:00.000Z' },
    state: async (w) => (await send(w.app.baseUrl, { method: 'GET', path: '/api/public/audit/checkpoint' })).json,
  },
  'POST /api/auth/login': {
    caller: 'anonymous',
    path: () => '/api/auth/login',
    body: () => ({ email: world.member.email, password: world.member.password }),
    extra: { role: 'steward', ttlSeconds: 31_536_000, scope: 'admin' },
    state: (w) => get('/api/me', w.member.accessToken),
  },
  'POST /api/auth/refresh': {
    caller: 'anonymous',
    path: () => '/api/auth/refresh',
    body: () => ({ refreshToken: world.member.refreshToken }),
    extra: { role: 'steward', ttlSeconds: 31_536_000, sessionId: 'someone-else' },
    state: (w) => get('/api/me', w.member.accessToken),
  },
  'POST /api/auth/step-up': {
    caller: 'member',
    path: () => '/api/auth/step-up',
    body: () => ({ password: world.member.password }),
    extra: { role: 'steward', authTime: 8_640_000_000_000, sessionId: 'someone-else', userId: 'someone-else' },
    state: (w) => get('/api/me', w.member.accessToken),
  },
  'POST /api/auth/login/second-factor': {
    caller: 'anonymous',
    path: () => '/api/auth/login/second-factor',
    body: () => ({ challenge: 'A'.repeat(43), code: '123456' }),
    extra: { role: 'steward', ttlSeconds: 31_536_000, sessionId: 'someone-else' },
    state: (w) => get('/api/me', w.member.accessToken),
  },
  'POST /api/me/second-factor/totp/confirm': {
    caller: 'member',
    path: () => '/api/me/second-factor/totp/confirm',
    body: () => ({ code: '123456' }),
    extra: { secondFactor: true, totpConfirmedAt: '2000-01-01T00:00:00.000Z' },
    state: (w) => get('/api/me', w.member.accessToken),
  },
  'POST /api/me/second-factor/passkeys': {
    caller: 'member',
    path: () => '/api/me/second-factor/passkeys',
    body: () => ({ response: { id: 'x', rawId: 'x', type: 'public-key', response: { clientDataJSON: 'x' } } }),
    extra: { publicKey: 'x', counter: 0 },
    state: (w) => get('/api/me', w.member.accessToken),
  },
  'PUT /api/me/notification-settings/{kind}': {
    caller: 'member',
    path: () => '/api/me/notification-settings/vote-opened',
    body: () => ({ email: true }),
    extra: { userId: 'someone-else', kind: 'vote-reminder' },
    state: (w) => get('/api/me/notification-settings', w.member.accessToken),
  },
  'PATCH /api/me': {
    caller: 'member',
    path: () => '/api/me',
    body: () => ({ name: 'Renamed' }),
    extra: STORAGE_FIELDS,
    state: (w) => get('/api/me', w.member.accessToken),
  },
  'POST /api/steward/members/{id}/admit': {
    caller: 'steward',
    path: (w) => `/api/steward/members/${w.otherMember.id}/admit`,
    body: () => ({ identityMethod: 'in-person', shareSubscribed: { amount: 100, currency: 'CHF' } }),
    extra: { ...STORAGE_FIELDS, decidedBy: 'someone-else', status: 'admitted' },
    state: (w) => get('/api/steward/members?status=all', w.steward.accessToken),
  },
  'POST /api/steward/members/{id}/refuse': {
    caller: 'steward',
    path: (w) => `/api/steward/members/${w.otherMember.id}/refuse`,
    body: () => ({ reason: 'The share capital was not paid.' }),
    extra: STORAGE_FIELDS,
    state: (w) => get('/api/steward/members?status=all', w.steward.accessToken),
  },
  'POST /api/steward/members/{id}/exclude': {
    caller: 'steward',
    path: (w) => `/api/steward/members/${w.otherMember.id}/exclude`,
    body: () => ({ reason: 'Repeated breach of the bylaws.' }),
    extra: { ...STORAGE_FIELDS, endsAt: '2000-01-01T00:00:00.000Z' },
    state: (w) => get('/api/steward/members?status=all', w.steward.accessToken),
  },
  'POST /api/me/membership/resignation': {
    caller: 'member',
    path: () => '/api/me/membership/resignation',
    body: () => ({ confirm: true }),
    extra: { ...STORAGE_FIELDS, endsAt: '2000-01-01T00:00:00.000Z' },
    state: (w) => get('/api/me', w.member.accessToken),
  },
  'POST /api/steward/researchers/{id}/verify': {
    caller: 'steward',
    path: (w) => `/api/steward/researchers/${w.otherResearcher.id}/verify`,
    body: () => ({
      organisation: 'Another University',
      nonProfit: false,
      evidence: { method: 'institutional_directory', note: 'Listed in the staff directory' },
    }),
    extra: STORAGE_FIELDS,
    state: (w) => get(`/api/steward/researchers?status=all`, w.steward.accessToken),
  },
  'POST /api/steward/researchers/{id}/affiliation': {
    caller: 'steward',
    path: (w) => `/api/steward/researchers/${w.researcher.id}/affiliation`,
    body: () => ({ organisation: 'Renamed University', nonProfit: true, reason: 'organisation_renamed' }),
    extra: STORAGE_FIELDS,
    state: (w) => get(`/api/steward/researchers?status=all`, w.steward.accessToken),
  },
  'POST /api/steward/apps': {
    caller: 'steward',
    path: () => '/api/steward/apps',
    body: () => ({
      name: 'Step counter',
      redirectUris: ['https://app.example.org/callback'],
      scopes: ['patient/Observation.rs'],
    }),
    extra: { ...STORAGE_FIELDS, clientSecretHash: 'x', disabledAt: null, registeredBy: 'someone-else' },
    state: (w) => get('/api/steward/apps', w.steward.accessToken),
  },
  'POST /api/me/app-authorizations/preview': {
    caller: 'member',
    path: () => '/api/me/app-authorizations/preview',
    body: () => ({ request: 'response_type=code&client_id=unknown' }),
    extra: { appId: 'someone-else', redirectUri: 'https://evil.example/', userId: 'someone-else' },
    state: (w) => get('/api/me/apps', w.member.accessToken),
  },
  'POST /api/me/app-authorizations': {
    caller: 'member',
    path: () => '/api/me/app-authorizations',
    body: () => ({ request: 'response_type=code&client_id=unknown', decision: 'deny' }),
    extra: { scopes: ['patient/Observation.c'], userId: 'someone-else', grantId: 'someone-else' },
    state: (w) => get('/api/me/apps', w.member.accessToken),
  },
  'POST /api/proposals': {
    caller: 'steward',
    path: () => '/api/proposals',
    body: () => ({ kind: 'revoke-policy', title: 'T', summary: 'S', targetPolicyId: world.policyId }),
    extra: { createdBy: 'someone', outcome: { outcome: 'approved', reason: 'approved' } },
    state: (w) => get('/api/proposals?status=all', w.steward.accessToken),
  },
  'PATCH /api/proposals/{id}': {
    caller: 'steward',
    path: (w) => `/api/proposals/${w.proposals.otherDraft}`,
    body: () => ({ title: 'Edited' }),
    extra: { kind: 'amend-bylaws', targetPolicyId: '00000000-0000-4000-8000-000000000000' },
    state: (w) => get('/api/proposals?status=all', w.steward.accessToken),
  },
  'POST /api/proposals/{id}/open': {
    caller: 'steward',
    path: (w) => `/api/proposals/${w.proposals.otherDraft}/open`,
    body: () => ({ closesAt: new Date(world.app.clock.now().getTime() + 10 * 86_400_000).toISOString() }),
    extra: { electorate: 1, rules: { quorum: { num: 0, den: 1 } }, openedAt: '2000-01-01T00:00:00.000Z' },
    state: (w) => get('/api/proposals?status=all', w.steward.accessToken),
  },
  'POST /api/proposals/{id}/extend': {
    caller: 'steward',
    path: (w) => `/api/proposals/${w.proposals.open}/extend`,
    body: () => ({ closesAt: new Date(world.app.clock.now().getTime() + 10 * 86_400_000).toISOString() }),
    extra: { status: 'approved', outcome: { outcome: 'approved', reason: 'approved' } },
    state: (w) => get('/api/proposals?status=all', w.steward.accessToken),
  },
  'PUT /api/proposals/{id}/proxy': {
    caller: 'member',
    path: (w) => `/api/proposals/${w.proposals.open}/proxy`,
    body: () => ({ proxyEmail: 'someone@example.org' }),
    extra: { principalId: 'someone-else', proxyId: 'someone-else', role: 'proxy' },
    state: (w) => get(`/api/proposals/${w.proposals.open}/proxy`, w.member.accessToken),
  },
  'POST /api/proposals/{id}/proxy-ballots': {
    caller: 'member',
    path: (w) => `/api/proposals/${w.proposals.open}/proxy-ballots`,
    body: () => ({ choice: 'no', secret: 'c'.repeat(64) }),
    extra: { principalId: 'someone-else', castBy: 'member', proxyTag: 'x' },
    state: (w) => get(`/api/proposals/${w.proposals.open}`, w.steward.accessToken),
  },
  'POST /api/proposals/{id}/discussion': {
    caller: 'member',
    path: (w) => `/api/proposals/${w.proposals.open}/discussion`,
    body: () => ({ text: 'A question' }),
    extra: { authorId: 'someone-else', authorRole: 'steward', postedAt: '2000-01-01T00:00:00.000Z' },
    state: (w) => get(`/api/proposals/${w.proposals.open}/discussion`, w.steward.accessToken),
  },
  'POST /api/proposals/{id}/discussion/{postId}/hide': {
    caller: 'steward',
    path: (w) => `/api/proposals/${w.proposals.open}/discussion/00000000-0000-4000-8000-000000000001/hide`,
    body: () => ({ reason: 'Off topic' }),
    extra: { by: 'someone-else', at: '2000-01-01T00:00:00.000Z' },
    state: (w) => get(`/api/proposals/${w.proposals.open}/discussion`, w.steward.accessToken),
  },
  'POST /api/proposals/{id}/ballots': {
    caller: 'member',
    path: (w) => `/api/proposals/${w.proposals.open}/ballots`,
    body: () => ({ choice: 'no', secret: 'b'.repeat(64) }),
    extra: { userId: 'someone-else', weight: 100, voterId: 'someone-else' },
    state: (w) => get(`/api/proposals/${w.proposals.open}`, w.steward.accessToken),
  },
  'POST /api/research/requests': {
    caller: 'researcher',
    path: () => '/api/research/requests',
    body: () => requestBody({ title: 'Mass assignment' }),
    extra: { grantee: 'someone-else', researcherVerified: true },
    state: (w) => get('/api/research/requests', w.steward.accessToken),
  },
  'PUT /api/me/consent': {
    caller: 'member',
    path: () => '/api/me/consent',
    body: () => ({ categories: { 'heart-rate': 'aggregate' } }),
    extra: { memberId: 'someone-else', recordedBy: 'steward' },
    state: (w) => get('/api/me/consent', w.member.accessToken),
  },
  'POST /api/research/queries': {
    caller: 'researcher',
    path: () => '/api/research/queries',
    body: () => ({ policyId: world.policyId, category: 'heart-rate', statistic: 'count' }),
    extra: { researcherId: 'someone-else', budgetRemaining: 1000, minCellSize: 1, level: 'pseudonymised' },
    state: (w) => get('/api/policies', w.researcher.accessToken),
  },
};

describe('mass assignment: fields a client may read but not write are refused, never applied', () => {
  it('has a case for every operation with a JSON body that answers with fields it does not accept', () => {
    const exposed = world.operations
      .filter((o) => o.requestBody?.content['application/json']?.schema.type !== 'string')
      .filter((o) => o.requestBody?.content['application/json'] && protectedFields(o).length > 0)
      .map(nameOf);
    for (const name of exposed) expect(Object.keys(CASES), `add a mass-assignment case for ${name}`).toContain(name);
  });

  it.each(Object.keys(CASES))('%s', async (name) => {
    const operation = world.operations.find((o) => nameOf(o) === name);
    expect(operation, `${name} is in /openapi.json`).toBeDefined();
    const c = CASES[name]!;
    const smuggled = { ...Object.fromEntries(protectedFields(operation!).map((f) => [f, 'smuggled'])), ...c.extra };
    expect(Object.keys(smuggled).length).toBeGreaterThan(0);
    const before = await c.state(world);
    const token = world.tokenOf(c.caller);
    for (const [field, value] of Object.entries(smuggled)) {
      const response = await send(world.app.baseUrl, {
        method: operation!.method,
        path: c.path(world),
        headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
        body: JSON.stringify({ ...c.body(), [field]: value }),
      });
      const error = (response.json as { error?: { code: string; details?: { field: string; code: string }[] } }).error;
      expect({ field, status: response.status, code: error?.code }).toEqual({
        field,
        status: 400,
        code: name === 'POST /api/research/queries' ? 'invalid_request' : 'validation_failed',
      });
      expect(error?.details).toContainEqual(expect.objectContaining({ field, code: 'unknown_field' }));
    }
    expect(await c.state(world)).toEqual(before);
  });

  it("ignores storage fields in an uploaded observation: it lands in the uploader's vault only, as the uploader's", async () => {
    const list = async (token: string) =>
      (await get('/api/me/observations?category=body-weight&limit=1000', token)) as {
        observations: { id: string; category: string; value: number; source: string }[];
      };
    const othersBefore = await list(world.otherMember.accessToken);
    const smuggled = {
      category: 'body-weight',
      value: 71.5,
      unit: 'kg',
      effectiveAt: '2026-01-02T07:00:00Z',
      id: 'chosen-id',
      _id: 'chosen-id',
      memberId: world.otherMember.id,
      userId: world.otherMember.id,
      chunkId: 'x',
      storedAt: '2000-01-01T00:00:00Z',
    };
    const response = await send(world.app.baseUrl, {
      method: 'POST',
      path: '/api/me/observations',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${world.member.accessToken}` },
      body: JSON.stringify({ observations: [smuggled], memberId: world.otherMember.id }),
    });
    expect(response.status, response.text).toBe(201);
    const mine = await list(world.member.accessToken);
    expect(mine.observations).toContainEqual(expect.objectContaining({ category: 'body-weight', value: 71.5 }));
    expect(mine.observations.map((o) => o.id)).not.toContain('chosen-id');
    expect(await list(world.otherMember.accessToken)).toEqual(othersBefore);
  });

  it('refuses a role the API never grants at registration, and creates nothing', async () => {
    const body = buildRegistration({ email: 'would-be-steward@example.org', role: 'steward' });
    const response = await world.app.request('POST', '/api/auth/register', { body });
    expect(response.status).toBe(400);
    const login = await world.app.request('POST', '/api/auth/login', {
      body: { email: body.email, password: body.password },
    });
    expect(login.status).toBe(401);
  });
});

describe('prototype pollution', () => {
  it('leaves Object.prototype untouched after __proto__ and constructor.prototype in every JSON body', async () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const payloads = [
      '{"__proto__":{"polluted":"yes","role":"steward"}}',
      '{"constructor":{"prototype":{"polluted":"yes"}}}',
      '{"a":{"__proto__":{"polluted":"yes"}},"categories":{"__proto__":"aggregate"},"policy":{"__proto__":{"x":1}}}',
    ];
    for (const operation of world.operations.filter((o) => o.requestBody?.content['application/json'])) {
      for (const caller of ['member', 'researcher', 'steward'] as const) {
        for (const body of payloads) {
          const response = await send(world.app.baseUrl, {
            method: operation.method,
            path: operation.path.replace('{id}', world.proposals.draft),
            headers: { 'content-type': 'application/json', authorization: `Bearer ${world.tokenOf(caller)}` },
            body,
          });
          expect(response.status, `${nameOf(operation)} ${body}`).toBeLessThan(500);
        }
      }
    }
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).role).toBeUndefined();
  });
});
