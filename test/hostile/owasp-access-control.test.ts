// OWASP API1 (broken object-level authorisation) and API5 (broken function-level authorisation), generated from
// /openapi.json: every operation × every caller gets the answer its x-access declares, and every operation with an
// id answers someone else's object exactly like a missing one.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeConnections, fillPath, send, type Operation, type RawResponse } from './hostile-http.js';
import { buildWorld, CALLERS, isAllowed, type Caller, type World } from './hostile-world.js';

let world: World;
beforeAll(async () => {
  world = await buildWorld();
}, 180_000);
afterAll(async () => {
  closeConnections();
  await world?.app.close();
});

const nameOf = (operation: Operation) => `${operation.method} ${operation.path}`;

/** A request that passes as far as authorisation: a real id in the path, a small body of the right type. */
function minimalRequest(operation: Operation, token: string | undefined) {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const content = Object.keys(operation.requestBody?.content ?? {});
  let body: string | undefined;
  if (content.includes('text/csv')) {
    headers['content-type'] = 'text/csv';
    body = 'category,value,unit,effectiveAt\nheart-rate,61,/min,2026-01-01T08:00:00Z\n';
  } else if (content.length > 0) {
    headers['content-type'] = 'application/json';
    body = '{}';
  }
  const path = fillPath(operation.path, { id: world.proposals.open });
  const query = operation.parameters.some((p) => p.in === 'query' && p.name === 'category')
    ? '?category=heart-rate'
    : '';
  return { method: operation.method, path: path + query, headers, ...(body !== undefined && { body }) };
}

/** What the caller got, in the words of x-access: refused as anonymous, refused for the role, or admitted. */
function outcome(response: RawResponse): string {
  if (response.status >= 500) return `server error ${response.status}`;
  if (response.status === 401) return 'refused: 401';
  const code = (response.json as { error?: { code?: string } } | undefined)?.error?.code;
  if (response.status === 403 && code === 'role_not_allowed') return 'refused: 403 role_not_allowed';
  return 'admitted';
}

function expectedOutcome(operation: Operation, caller: Caller): string {
  if (isAllowed(operation.access, caller)) return 'admitted';
  return caller === 'anonymous' ? 'refused: 401' : 'refused: 403 role_not_allowed';
}

describe('function-level authorisation: every operation × every caller, as x-access declares', () => {
  it.each(CALLERS)('%s', async (caller) => {
    const expected: Record<string, string> = {};
    const actual: Record<string, string> = {};
    const refusals: RawResponse[] = [];
    for (const operation of world.operations) {
      const response = await send(world.app.baseUrl, minimalRequest(operation, world.tokenOf(caller)));
      expected[nameOf(operation)] = expectedOutcome(operation, caller);
      actual[nameOf(operation)] = outcome(response);
      if (response.status === 401 || response.status === 403) refusals.push(response);
    }
    expect(actual).toEqual(expected);
    // A refusal says no more than "not authenticated" or "your role may not": one body per status, whatever the route.
    for (const status of [401, 403]) {
      const bodies = new Set(
        refusals.filter((r) => r.status === status && outcome(r) !== 'admitted').map((r) => r.text),
      );
      expect(bodies.size, `distinct ${status} bodies`).toBeLessThanOrEqual(1);
    }
  });

  it('covers the whole document: at least 40 operations, each with x-access', () => {
    expect(world.operations.length).toBeGreaterThanOrEqual(40);
    for (const operation of world.operations) expect(operation.access, nameOf(operation)).toBeDefined();
  });
});

/**
 * How each operation with an id is reached by someone the object is not for. Every operation of the document with
 * a path parameter must be listed here, so a new one is classified (and tested) before it can ship.
 */
type ObjectCase =
  | { kind: 'foreign'; caller: Caller; foreignId: (w: World) => string; body?: unknown; query?: string }
  | { kind: 'no owner'; why: string };

const OBJECT_CASES: Record<string, ObjectCase> = {
  'GET /api/research/requests/{id}': { kind: 'foreign', caller: 'researcher', foreignId: (w) => w.requests.other },
  'GET /api/proposals/{id}': { kind: 'foreign', caller: 'member', foreignId: (w) => w.proposals.draft },
  'GET /api/proposals/{id}/results': { kind: 'foreign', caller: 'researcher', foreignId: (w) => w.proposals.draft },
  'GET /api/proposals/{id}/impact': { kind: 'foreign', caller: 'member', foreignId: (w) => w.proposals.draft },
  // The member's own inclusion in a proposal: a draft is as invisible to them as a missing proposal.
  'GET /api/proposals/{id}/my-inclusion': { kind: 'foreign', caller: 'member', foreignId: (w) => w.proposals.draft },
  'POST /api/proposals/{id}/ballots': {
    kind: 'foreign',
    caller: 'member',
    foreignId: (w) => w.proposals.draft,
    body: { choice: 'yes', secret: 'a'.repeat(64) },
  },
  'GET /api/proposals/{id}/proxy': { kind: 'foreign', caller: 'member', foreignId: (w) => w.proposals.draft },
  'PUT /api/proposals/{id}/proxy': {
    kind: 'foreign',
    caller: 'member',
    foreignId: (w) => w.proposals.draft,
    body: { proxyEmail: 'someone@example.org' },
  },
  'DELETE /api/proposals/{id}/proxy': { kind: 'foreign', caller: 'member', foreignId: (w) => w.proposals.draft },
  'POST /api/proposals/{id}/proxy-ballots': {
    kind: 'foreign',
    caller: 'member',
    foreignId: (w) => w.proposals.draft,
    body: { choice: 'yes', secret: 'a'.repeat(64) },
  },
  'GET /api/proposals/{id}/discussion': { kind: 'foreign', caller: 'member', foreignId: (w) => w.proposals.draft },
  'POST /api/proposals/{id}/discussion': {
    kind: 'foreign',
    caller: 'member',
    foreignId: (w) => w.proposals.draft,
    body: { text: 'A question' },
  },
  'POST /api/proposals/{id}/discussion/{postId}/hide': { kind: 'no owner', why: 'stewards moderate every thread' },
  'POST /api/proposals/{id}/announce': { kind: 'no owner', why: 'stewards act on every proposal' },
  'POST /api/steward/researchers/{id}/verify': {
    kind: 'foreign',
    caller: 'steward',
    foreignId: (w) => w.member.id,
    body: {
      organisation: 'University of Bern',
      nonProfit: true,
      evidence: { method: 'institutional_directory', note: 'Listed in the staff directory' },
    },
  },
  'POST /api/steward/researchers/{id}/affiliation': {
    kind: 'foreign',
    caller: 'steward',
    foreignId: (w) => w.member.id,
    body: { organisation: 'University of Bern', nonProfit: true, reason: 'status_corrected' },
  },
  'POST /api/me/notifications/{id}/read': {
    kind: 'no owner',
    why: "the caller's own notifications only; another account's answers 404 like a missing one (notifications.test.ts)",
  },
  'PUT /api/me/notification-settings/{kind}': {
    kind: 'no owner',
    why: 'the path names a kind of notification, not an object; the settings are always the caller’s own',
  },
  'POST /api/steward/members/{id}/admit': {
    kind: 'no owner',
    why: "stewards decide every account holder's membership",
  },
  'POST /api/steward/members/{id}/refuse': {
    kind: 'no owner',
    why: "stewards decide every account holder's membership",
  },
  'POST /api/steward/members/{id}/exclude': { kind: 'no owner', why: "stewards decide every member's exclusion" },
  'PATCH /api/proposals/{id}': { kind: 'no owner', why: 'stewards act on every proposal; nobody else may call it' },
  'POST /api/proposals/{id}/open': { kind: 'no owner', why: 'stewards act on every proposal' },
  'POST /api/proposals/{id}/extend': { kind: 'no owner', why: 'stewards act on every proposal' },
  'POST /api/proposals/{id}/withdraw': { kind: 'no owner', why: 'stewards act on every proposal' },
  'GET /api/steward/proposals/{id}/reminders': { kind: 'no owner', why: 'stewards follow every vote' },
  'POST /api/research/requests/{id}/proposal': { kind: 'no owner', why: 'stewards propose every request' },
  // The public record answers an open (not yet counted) vote exactly like a missing one.
  'GET /api/public/proposals/{id}': { kind: 'foreign', caller: 'member', foreignId: (w) => w.proposals.open },
  'POST /api/steward/apps/{id}/disable': { kind: 'no owner', why: 'stewards manage every registered app' },
  'DELETE /api/me/apps/{grantId}': {
    kind: 'no owner',
    why: "the caller's own grants only; another member's answers 404 like a missing one (app-authorisation.test.ts)",
  },
  'DELETE /api/me/second-factor/passkeys/{id}': {
    kind: 'no owner',
    why: "the caller's own passkeys only (behind step-up); another account's id answers 404 like a missing one (second-factor-settings.test.ts)",
  },
  'GET /api/research/policies/{id}/export': {
    kind: 'no owner',
    why: 'policies are public (GET /api/policies); a non-grantee is refused by the audited decision (403 not_grantee), tested below',
  },
};

describe("object-level authorisation: someone else's object answers exactly like a missing one", () => {
  it('classifies every operation of the document that takes an id', () => {
    const withIds = world.operations.filter((o) => o.parameters.some((p) => p.in === 'path')).map(nameOf);
    expect(withIds.sort()).toEqual(Object.keys(OBJECT_CASES).sort());
  });

  const foreign = Object.entries(OBJECT_CASES).filter(
    (entry): entry is [string, Extract<ObjectCase, { kind: 'foreign' }>] => entry[1].kind === 'foreign',
  );
  it.each(foreign)('%s', async (name, objectCase) => {
    const operation = world.operations.find((o) => nameOf(o) === name)!;
    const ask = (id: string) => {
      const token = world.tokenOf(objectCase.caller);
      const body = objectCase.body === undefined ? undefined : JSON.stringify(objectCase.body);
      return send(world.app.baseUrl, {
        method: operation.method,
        path: fillPath(operation.path, { id }) + (objectCase.query ?? ''),
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body }),
      });
    };
    const someoneElses = await ask(objectCase.foreignId(world));
    const missing = await ask(randomUUID());
    expect(missing.status).toBe(404);
    expect({ status: someoneElses.status, body: someoneElses.json }).toEqual({
      status: missing.status,
      body: missing.json,
    });
  });

  it("refuses another researcher's policy without releasing anything, through the audited decision", async () => {
    const response = await send(world.app.baseUrl, {
      method: 'GET',
      path: `/api/research/policies/${world.policyId}/export?category=heart-rate`,
      headers: { authorization: `Bearer ${world.otherResearcher.accessToken}` },
    });
    expect(response.status).toBe(403);
    expect(response.json).toEqual({ error: { code: 'not_grantee', message: expect.any(String) } });
  });

  it("never pages into another member's observations with their cursor", async () => {
    const upload = (token: string, value: number) =>
      send(world.app.baseUrl, {
        method: 'POST',
        path: '/api/me/observations',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: `category,value,unit,effectiveAt\n${[1, 2, 3].map((d) => `heart-rate,${value + d},/min,2026-01-0${d}T08:00:00Z`).join('\n')}\n`,
      });
    expect((await upload(world.member.accessToken, 70)).status).toBe(201);
    const first = await send(world.app.baseUrl, {
      method: 'GET',
      path: '/api/me/observations?limit=1',
      headers: { authorization: `Bearer ${world.member.accessToken}` },
    });
    const cursor = (first.json as { nextCursor: string }).nextCursor;
    expect(cursor).toEqual(expect.any(String));
    const intruder = await send(world.app.baseUrl, {
      method: 'GET',
      path: `/api/me/observations?limit=10&cursor=${encodeURIComponent(cursor)}`,
      headers: { authorization: `Bearer ${world.otherMember.accessToken}` },
    });
    expect([200, 400]).toContain(intruder.status);
    if (intruder.status === 200) expect((intruder.json as { observations: unknown[] }).observations).toEqual([]);
  });
});
