// Scopes and apps at the /fhir edge, with a stand-in for the SMART app-token resolver (issue 17 item 4 builds the real
// one): a token `app:<member>:<scope,scope>` names the member, the app and its scopes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FhirCallerResolver, FhirScope } from '../../services/fhir/index.js';
import { registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const appTokens: FhirCallerResolver = async (ctx) => {
  const match = /^Bearer app:([^:]+):(.*)$/.exec(ctx.get('authorization'));
  if (!match) return undefined;
  return { memberId: match[1]!, appId: 'test-app', scopes: new Set(match[2]!.split(',') as FhirScope[]) };
};

let app: TestApp;
let member: BuiltAccount;
beforeAll(async () => {
  app = await createTestApp({}, { fhirCallerResolvers: [appTokens] });
  member = await registerAndLogin(app);
});
afterAll(() => app.close());

const asApp = (scopes: string) => ({ authorization: `Bearer app:${member.id}:${scopes}` });

describe('scopes', () => {
  it.each([
    ['GET', '/fhir/Observation', 'patient/Patient.r'],
    ['GET', '/fhir/Patient/$me', 'patient/Observation.rs'],
    ['GET', '/fhir/Consent', 'patient/Observation.rs'],
    ['POST', '/fhir/Observation', 'patient/Observation.rs'],
    ['POST', '/fhir', 'patient/Observation.rs'],
  ])('%s %s without its scope (with %s) is 403 insufficient_scope', async (method, path, scopes) => {
    const response = await app.request(method, path, {
      headers: { ...asApp(scopes), 'content-type': 'application/fhir+json' },
      ...(method === 'POST' && { rawBody: '{}' }),
    });
    expect(response.status).toBe(403);
    expect(response.body.issue[0]).toMatchObject({
      code: 'forbidden',
      details: { coding: [{ code: 'insufficient_scope' }] },
    });
  });

  it('lets an app with the scope read, and audits the read with the app’s id', async () => {
    const response = await app.request('GET', '/fhir/Observation', { headers: asApp('patient/Observation.rs') });
    expect(response.status).toBe(200);
    const entries = await app.request('GET', '/api/me/audit-entries?limit=5', { token: member.accessToken });
    expect(entries.body.entries[0]).toMatchObject({
      type: 'fhir.search',
      data: { resourceType: 'Observation', appId: 'test-app' },
    });
  });
});
