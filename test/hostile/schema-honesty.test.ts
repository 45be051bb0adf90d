// Issue 11: /openapi.json states the real rules. A request generated from the document to satisfy the schema is
// never refused for the fields whose rules the document carries (password length, category codes, levels, DUO terms,
// statistics, dimensions …). Fields refused for rules that need state stay out: the bylaws in force (ε cap, cell
// size), the clock (validUntil, birth year), the cursor's content, contradictions between fields (DUO, IRB).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeConnections, send, type Operation } from './hostile-http.js';
import { type JsonSchema, validValue } from './json-schema.js';
import { buildWorld, type Caller, type World } from './hostile-world.js';

const SEED = Number(process.env.HOSTILE_SEED ?? 20_261_206);
const RUNS = Number(process.env.HOSTILE_RUNS ?? 25);

let world: World;
beforeAll(async () => {
  world = await buildWorld();
  world.app.services.research.options.queriesPerMinute = 1_000_000;
}, 180_000);
afterAll(async () => {
  closeConnections();
  await world?.app.close();
});

function operation(method: string, path: string): Operation {
  const found = world.operations.find((o) => o.method === method && o.path === path);
  if (!found) throw new Error(`${method} ${path} is not in the document`);
  return found;
}

/** The top-level field a detail names (`duo.modifiers[0]` → `duo`). */
const topField = (field: string) => field.split(/[.[]/)[0] ?? field;

interface Case {
  caller: Caller;
  method: string;
  path: string;
  /** Fields whose rules the document states in full. */
  constrained: string[];
}

const cases: [string, Case][] = [
  [
    'registration',
    {
      caller: 'anonymous',
      method: 'POST',
      path: '/api/auth/register',
      // sex, region and birthYear are for members only, organisation for researchers (a rule across fields).
      constrained: ['email', 'password', 'name'],
    },
  ],
  [
    'a consent',
    {
      caller: 'member',
      method: 'PUT',
      path: '/api/me/consent',
      constrained: ['categories', 'conditions', 'optedOutPolicies'],
    },
  ],
  [
    'an access request',
    {
      caller: 'researcher',
      method: 'POST',
      path: '/api/research/requests',
      constrained: ['title', 'purpose', 'categories', 'level', 'statistics', 'groupBy', 'deidentification'],
    },
  ],
  [
    'a research query',
    {
      caller: 'researcher',
      method: 'POST',
      path: '/api/research/queries',
      constrained: ['policyId', 'category', 'statistic', 'groupBy', 'from', 'to'],
    },
  ],
  [
    'a listing of observations',
    {
      caller: 'member',
      method: 'GET',
      path: '/api/me/observations',
      constrained: ['category', 'from', 'to', 'limit'],
    },
  ],
];

/** The path and body of a request built from the document: the query from its parameters, the JSON body. */
function requests(op: Operation): fc.Arbitrary<{ path: string; body?: string }> {
  const query = op.parameters.filter((p) => p.in === 'query');
  const shape: JsonSchema = {
    type: 'object',
    properties: Object.fromEntries(query.map((p) => [p.name, p.schema])),
    required: query.filter((p) => p.required).map((p) => p.name),
  };
  const body = op.requestBody?.content['application/json']?.schema;
  return fc
    .tuple(validValue(shape), body ? validValue(body, { policyId: [world.policyId] }) : fc.constant(undefined))
    .map(([params, value]) => {
      const search = new URLSearchParams(
        Object.entries(params as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
      ).toString();
      return {
        path: search ? `${op.path}?${search}` : op.path,
        ...(value !== undefined && { body: JSON.stringify(value) }),
      };
    });
}

describe('the OpenAPI document states the rules it enforces', () => {
  it.each(cases)(
    'never refuses %s that satisfies the schema for the fields it constrains',
    async (_name, c) => {
      const op = operation(c.method, c.path);
      const token = world.tokenOf(c.caller);
      const refused: string[] = [];
      for (const request of fc.sample(requests(op), { seed: SEED, numRuns: RUNS })) {
        const response = await send(world.app.baseUrl, {
          method: c.method,
          path: request.path,
          headers: {
            ...(token && { authorization: `Bearer ${token}` }),
            ...(request.body !== undefined && { 'content-type': 'application/json' }),
          },
          ...(request.body !== undefined && { body: request.body }),
        });
        expect(response.status, response.text).toBeLessThan(500);
        if (response.status !== 400) continue;
        const details =
          (response.json as { error: { details?: { field: string; code: string }[] } }).error.details ?? [];
        for (const detail of details.filter((d) => c.constrained.includes(topField(d.field)))) {
          refused.push(`${request.path} ${request.body ?? ''}\n  → ${detail.field}: ${detail.code}`);
        }
      }
      expect(refused).toEqual([]);
    },
    120_000,
  );
});
