// The bugs the hostile-input suites found, each pinned by the input that found it (issue 7, part 4).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStewardAndLogin, registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { validate, type JsonSchema } from './json-schema.js';

let app: TestApp;
let steward: BuiltAccount;
let member: BuiltAccount;
let openapi: { paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: any }>> };

beforeAll(async () => {
  app = await createTestApp();
  steward = await createStewardAndLogin(app);
  member = await registerAndLogin(app);
  openapi = (await app.request('GET', '/openapi.json')).body;
});
afterAll(() => app?.close());

describe('found by the fuzzer', () => {
  it.each([
    ['an array inside an array', { Ẹ: [-0, false, [3692.8, true, null]] }],
    ['a key with a NUL byte', { 'a\u0000b': 1 }],
  ])('refuses %s in a drafted policy with 400 (FerretDB and BSON answered 500)', async (_what, policy) => {
    const response = await app.request('POST', '/api/proposals', {
      token: steward.accessToken,
      body: { kind: 'access-policy', title: 'T', summary: 'S', policy },
    });
    expect(response.status, response.text).toBe(400);
    expect(response.body.error.details).toEqual([expect.objectContaining({ field: 'policy' })]);
  });

  it.each([
    ['get', '/api/me/observations', '400'],
    ['get', '/api/proposals/{id}', '400'],
    ['get', '/api/proposals', '400'],
    ['post', '/api/steward/researchers/{id}/verify', '404'],
    ['get', '/api/research/requests/{id}', '404'],
    ['post', '/api/research/requests/{id}/proposal', '404'],
    ['get', '/api/proposals/{id}/impact', '404'],
    ['get', '/api/proposals/{id}/impact', '400'],
    ['get', '/api/proposals/{id}/my-inclusion', '404'],
    ['get', '/api/proposals/{id}/my-inclusion', '400'],
  ])('documents what %s %s answers: %s', (method, path, status) => {
    expect(Object.keys(openapi.paths[path]![method]!.responses)).toContain(status);
  });

  it('documents the row index of upload errors in the common error shape', async () => {
    const response = await app.request('POST', '/api/me/observations', {
      token: member.accessToken,
      rawBody: '{"observations": [',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details[0]).toHaveProperty('index', null);
    const schema = (openapi.paths['/api/me/observations']!.post!.responses['400'] as any).content['application/json']
      .schema as JsonSchema;
    expect(validate(schema, response.body)).toEqual([]);
  });

  it('documents the body of a research query (it was an empty schema, so clients and the fuzzer saw "anything")', () => {
    const schema = openapi.paths['/api/research/queries']!.post!.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['policyId', 'category', 'statistic']));
    expect(schema.additionalProperties).toBe(false);
  });
});
