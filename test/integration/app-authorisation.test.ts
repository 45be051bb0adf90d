// SMART on FHIR app authorisation (issue 17 item 4) over real HTTP on a real database: registration, discovery, the
// authorization request and each bad input the issue names, the code and refresh grants with their single use,
// revocation, and app tokens kept out of every /api route.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStewardAndLogin, registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import {
  approve,
  authorizeQuery,
  connectApp,
  exchange,
  getAuthorize,
  pkcePair,
  postForm,
  refresh,
  registerSmartApp,
  type SmartClient,
} from '../helpers/smart-client.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
let steward: BuiltAccount;
let member: BuiltAccount;
let client: SmartClient;

beforeAll(async () => {
  app = await createTestApp();
  steward = await createStewardAndLogin(app);
  member = await registerAndLogin(app, { name: 'Connected Member' });
  client = await registerSmartApp(app, steward.accessToken);
});
afterAll(() => app.close());

describe('app registration', () => {
  it('registers a public app and lists it; a confidential one gets its secret once', async () => {
    const confidential = await app.request('POST', '/api/steward/apps', {
      token: steward.accessToken,
      body: {
        name: 'Clinic',
        redirectUris: ['http://127.0.0.1:9000/cb'],
        scopes: ['patient/Patient.r'],
        confidential: true,
      },
    });
    expect(confidential.status).toBe(201);
    expect(confidential.body.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const list = await app.request('GET', '/api/steward/apps', { token: steward.accessToken });
    expect(list.status).toBe(200);
    expect(list.body.apps.map((a: { id: string }) => a.id)).toEqual(
      expect.arrayContaining([client.clientId, confidential.body.id]),
    );
    expect(JSON.stringify(list.body)).not.toContain(confidential.body.clientSecret);
    const stored = await app.connection.db!.collection('apps').findOne({ _id: confidential.body.id });
    expect(JSON.stringify(stored)).not.toContain(confidential.body.clientSecret);
  });

  it.each([
    ['http on a public host', { redirectUris: ['http://app.example.org/cb'] }, 'redirectUris[0]'],
    ['a fragment', { redirectUris: ['https://app.example.org/cb#x'] }, 'redirectUris[0]'],
    ['a scope outside the member’s data', { scopes: ['user/Observation.rs'] }, 'scopes[0]'],
    ['no resource scope', { scopes: ['offline_access'] }, 'scopes'],
  ])('refuses %s', async (_name, overrides, field) => {
    const response = await app.request('POST', '/api/steward/apps', {
      token: steward.accessToken,
      body: {
        name: 'Bad',
        redirectUris: ['https://ok.example.org/cb'],
        scopes: ['patient/Observation.rs'],
        ...overrides,
      },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('is for stewards only', async () => {
    const response = await app.request('POST', '/api/steward/apps', {
      token: member.accessToken,
      body: { name: 'Mine', redirectUris: ['https://ok.example.org/cb'], scopes: ['patient/Observation.rs'] },
    });
    expect(response.status).toBe(403);
  });
});

describe('discovery', () => {
  it('publishes the SMART configuration', async () => {
    for (const path of ['/.well-known/smart-configuration', '/fhir/.well-known/smart-configuration']) {
      const response = await app.request('GET', path);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        authorization_endpoint: `${app.config.publicUrl}/oauth/authorize`,
        token_endpoint: `${app.config.publicUrl}/oauth/token`,
        revocation_endpoint: `${app.config.publicUrl}/oauth/revoke`,
        code_challenge_methods_supported: ['S256'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
      });
      expect(response.body.capabilities).toEqual(
        expect.arrayContaining([
          'launch-standalone',
          'client-public',
          'permission-patient',
          'context-standalone-patient',
        ]),
      );
      expect(response.body.scopes_supported).toContain('patient/Observation.rs');
    }
  });
});

describe('the authorization request', () => {
  it('sends a valid request to the consent screen', async () => {
    const query = authorizeQuery(app, client, pkcePair().challenge);
    const response = await getAuthorize(app, query);
    expect(response.status).toBe(302);
    expect(response.location).toBe(`/connect?${query}`);
  });

  it.each([
    ['one character added', 'https://app.example.org/callbacks'],
    ['one character changed', 'https://app.example.org/callbacK'],
    ['another host', 'https://app.example.org.evil.example/callback'],
  ])('refuses a redirect URI with %s without redirecting', async (_name, redirectUri) => {
    const response = await getAuthorize(
      app,
      authorizeQuery(app, client, pkcePair().challenge, { redirect_uri: redirectUri }),
    );
    expect(response.status).toBe(400);
    expect(response.location).toBeNull();
    expect(response.body).toMatchObject({ error: 'invalid_request' });
  });

  it('refuses an unknown client without redirecting', async () => {
    const response = await getAuthorize(
      app,
      authorizeQuery(app, client, pkcePair().challenge, { client_id: 'app_nope' }),
    );
    expect(response.status).toBe(400);
    expect(response.location).toBeNull();
    expect(response.body).toMatchObject({ error: 'invalid_client' });
  });

  it.each([
    ['a missing code_challenge', { code_challenge: undefined }, 'invalid_request'],
    ['the plain method', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['no method', { code_challenge_method: undefined }, 'invalid_request'],
    ['a missing state', { state: undefined }, 'invalid_request'],
    ['another audience', { aud: 'https://elsewhere.example/fhir' }, 'invalid_request'],
    ['response_type token', { response_type: 'token' }, 'unsupported_response_type'],
    ['a scope outside the member’s data', { scope: 'patient/Observation.rs system/Observation.rs' }, 'invalid_scope'],
    ['another resource', { scope: 'patient/Condition.rs' }, 'invalid_scope'],
    ['a scope the app was not registered for', { scope: 'patient/Consent.r' }, 'invalid_scope'],
    ['no resource scope', { scope: 'offline_access' }, 'invalid_scope'],
  ])('redirects %s back to the app as an error', async (_name, overrides, error) => {
    const query = authorizeQuery(app, client, pkcePair().challenge, { state: 's1', ...overrides });
    const response = await getAuthorize(app, query);
    expect(response.status).toBe(302);
    const location = new URL(response.location!);
    expect(location.origin + location.pathname).toBe(client.redirectUri);
    expect(location.searchParams.get('error')).toBe(error);
    expect(location.searchParams.get('code')).toBeNull();
    // The consent screen refuses the same request: nothing is granted.
    const decided = await app.request('POST', '/api/me/app-authorizations', {
      token: member.accessToken,
      body: { request: query, decision: 'approve' },
    });
    expect(decided.status).toBe(400);
    expect(decided.body.error).toMatchObject({
      code: 'invalid_authorization_request',
      details: [{ field: 'request', code: error }],
    });
  });

  it('shows the consent screen what the app asks, and a denial stores nothing', async () => {
    const query = authorizeQuery(app, client, pkcePair().challenge);
    const preview = await app.request('POST', '/api/me/app-authorizations/preview', {
      token: member.accessToken,
      body: { request: query },
    });
    expect(preview.status).toBe(200);
    expect(preview.body).toEqual({
      app: { id: client.clientId, name: 'Pulse Tracker' },
      scopes: ['patient/Observation.rs', 'patient/Observation.c', 'launch/patient', 'offline_access'],
      redirectOrigin: 'https://app.example.org',
    });
    const outsider = await registerAndLogin(app);
    const denied = await app.request('POST', '/api/me/app-authorizations', {
      token: outsider.accessToken,
      body: { request: query, decision: 'deny' },
    });
    expect(new URL(denied.body.redirectTo).searchParams.get('error')).toBe('access_denied');
    expect((await app.request('GET', '/api/me/apps', { token: outsider.accessToken })).body.grants).toEqual([]);
  });
});

describe('the token endpoint', () => {
  it('exchanges a code with its verifier for a short-lived token, the patient and the granted scopes', async () => {
    const tokens = await connectApp(app, client, member.accessToken);
    expect(tokens).toMatchObject({
      token_type: 'Bearer',
      expires_in: 600,
      patient: member.id,
      scope: 'patient/Observation.rs patient/Observation.c launch/patient offline_access',
    });
    const caller = await app.services.apps.resolveToken(tokens.access_token);
    expect(caller).toEqual({
      memberId: member.id,
      appId: client.clientId,
      scopes: new Set(['patient/Observation.rs', 'patient/Observation.c']),
    });
  });

  it.each([
    ['a missing verifier', undefined, 'invalid_request'],
    ['a wrong verifier', pkcePair().verifier, 'invalid_grant'],
    ['the challenge itself (plain)', 'CHALLENGE', 'invalid_grant'],
  ])('refuses %s', async (_name, verifier, error) => {
    const { challenge } = pkcePair();
    const { code } = await approve(app, member.accessToken, authorizeQuery(app, client, challenge));
    const response = await exchange(app, client, code, verifier === 'CHALLENGE' ? challenge : verifier);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a redirect URI differing by one character at the exchange', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await approve(app, member.accessToken, authorizeQuery(app, client, challenge));
    const response = await postForm(app, '/oauth/token', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri + '/',
      code_verifier: verifier,
      client_id: client.clientId,
    });
    expect(response.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('revokes what a reused code issued', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await approve(app, member.accessToken, authorizeQuery(app, client, challenge));
    const first = await exchange(app, client, code, verifier);
    expect(first.status).toBe(200);
    expect(await app.services.apps.resolveToken(first.body.access_token)).toBeDefined();
    const second = await exchange(app, client, code, verifier);
    expect(second.status).toBe(400);
    expect(second.body).toMatchObject({ error: 'invalid_grant' });
    expect(await app.services.apps.resolveToken(first.body.access_token)).toBeUndefined();
    expect((await refresh(app, client, first.body.refresh_token)).body).toMatchObject({ error: 'invalid_grant' });
  });

  it('rotates refresh tokens, and a refresh token used twice ends the grant', async () => {
    const tokens = await connectApp(app, client, member.accessToken);
    const rotated = await refresh(app, client, tokens.refresh_token);
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).not.toBe(tokens.refresh_token);
    expect(await app.services.apps.resolveToken(rotated.body.access_token)).toBeDefined();
    const reused = await refresh(app, client, tokens.refresh_token);
    expect(reused.body).toMatchObject({ error: 'invalid_grant' });
    expect(await app.services.apps.resolveToken(rotated.body.access_token)).toBeUndefined();
    expect((await refresh(app, client, rotated.body.refresh_token)).body).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses another client’s code, an unknown grant type and a missing client', async () => {
    const other = await registerSmartApp(app, steward.accessToken, { name: 'Other' });
    const { verifier, challenge } = pkcePair();
    const { code } = await approve(app, member.accessToken, authorizeQuery(app, client, challenge));
    expect((await exchange(app, other, code, verifier)).body).toMatchObject({ error: 'invalid_grant' });
    const password = await postForm(app, '/oauth/token', { grant_type: 'password', client_id: client.clientId });
    expect(password.body).toMatchObject({ error: 'unsupported_grant_type' });
    const anonymous = await postForm(app, '/oauth/token', { grant_type: 'authorization_code', code });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ error: 'invalid_client' });
  });

  it('requires a confidential client’s secret', async () => {
    const confidential = await registerSmartApp(app, steward.accessToken, { name: 'Secretive', confidential: true });
    const { verifier, challenge } = pkcePair();
    const { code } = await approve(app, member.accessToken, authorizeQuery(app, confidential, challenge));
    const wrong = await exchange(app, { ...confidential, clientSecret: 'guess' }, code, verifier);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: 'invalid_client' });
    const basic = Buffer.from(`${confidential.clientId}:${confidential.clientSecret}`).toString('base64');
    const right = await postForm(
      app,
      '/oauth/token',
      { grant_type: 'authorization_code', code, redirect_uri: confidential.redirectUri, code_verifier: verifier },
      { authorization: `Basic ${basic}` },
    );
    expect(right.status).toBe(200);
  });

  it('revokes a grant on RFC 7009 revocation, answering 200 for unknown tokens too', async () => {
    const tokens = await connectApp(app, client, member.accessToken);
    const unknown = await postForm(app, '/oauth/revoke', { token: 'nothing', client_id: client.clientId });
    expect(unknown.status).toBe(200);
    const revoked = await postForm(app, '/oauth/revoke', { token: tokens.refresh_token, client_id: client.clientId });
    expect(revoked.status).toBe(200);
    expect(await app.services.apps.resolveToken(tokens.access_token)).toBeUndefined();
  });

  it('stops every token of a disabled app', async () => {
    const doomed = await registerSmartApp(app, steward.accessToken, { name: 'Doomed' });
    const tokens = await connectApp(app, doomed, member.accessToken);
    const disabled = await app.request('POST', `/api/steward/apps/${doomed.clientId}/disable`, {
      token: steward.accessToken,
    });
    expect(disabled.status).toBe(200);
    expect(await app.services.apps.resolveToken(tokens.access_token)).toBeUndefined();
    expect((await refresh(app, doomed, tokens.refresh_token)).status).toBe(401);
  });
});

describe('grants as the member’s consent', () => {
  it('lists grants with last use, revokes one at once, and refuses another member’s', async () => {
    const own = await registerAndLogin(app);
    const tokens = await connectApp(app, client, own.accessToken);
    let list = await app.request('GET', '/api/me/apps', { token: own.accessToken });
    expect(list.body.grants).toEqual([
      expect.objectContaining({ app: { id: client.clientId, name: 'Pulse Tracker' }, lastUsedAt: null }),
    ]);
    await app.services.apps.resolveToken(tokens.access_token);
    list = await app.request('GET', '/api/me/apps', { token: own.accessToken });
    expect(list.body.grants[0].lastUsedAt).toEqual(expect.any(String));
    const grantId = list.body.grants[0].id;
    const stranger = await app.request('DELETE', `/api/me/apps/${grantId}`, { token: member.accessToken });
    expect(stranger.status).toBe(404);
    const revoked = await app.request('DELETE', `/api/me/apps/${grantId}`, { token: own.accessToken });
    expect(revoked.status).toBe(204);
    expect(await app.services.apps.resolveToken(tokens.access_token)).toBeUndefined();
    expect((await app.request('GET', '/api/me/apps', { token: own.accessToken })).body.grants).toEqual([]);
    const audited = await app.request('GET', '/api/me/audit-entries', { token: own.accessToken });
    const types = audited.body.entries.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['app.granted', 'app.token_issued', 'app.used', 'app.grant_revoked']));
  });
});

describe('the member’s access log', () => {
  it('lists each read and write of a connected app, not the member’s own FHIR use, and no one else’s', async () => {
    const own = await registerAndLogin(app);
    const tokens = await connectApp(app, client, own.accessToken);
    const asApp = { authorization: `Bearer ${tokens.access_token}` };
    const created = await app.request('POST', '/fhir/Observation', {
      headers: { ...asApp, 'content-type': 'application/fhir+json' },
      rawBody: JSON.stringify({
        resourceType: 'Observation',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
        effectiveDateTime: '2026-11-30T08:00:00Z',
        valueQuantity: { value: 64, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
      }),
    });
    expect(created.status).toBe(201);
    const searched = await app.request('GET', '/fhir/Observation', { headers: asApp });
    expect(searched.status).toBe(200);
    // The member's own session reading FHIR is their own act, not an app's.
    expect((await app.request('GET', '/fhir/Observation', { token: own.accessToken })).status).toBe(200);

    const log = await app.request('GET', '/api/me/access-log', { token: own.accessToken });
    expect(log.status).toBe(200);
    expect(log.body.entries).toEqual([
      expect.objectContaining({
        kind: 'app',
        app: { id: client.clientId, name: 'Pulse Tracker' },
        interaction: 'search',
        resourceType: 'Observation',
        count: 1,
        decision: 'allow',
      }),
      expect.objectContaining({ kind: 'app', interaction: 'create', resourceType: 'Observation', count: 1 }),
    ]);
    // The value is nowhere in what an entry says of the operation. (Its time, sequence number and the app's random
    // id are left out of the check: they may hold the digits 64 by chance.)
    const described = log.body.entries.map(
      ({ at: _at, seq: _seq, app: _app, ...rest }: Record<string, unknown>) => rest,
    );
    expect(JSON.stringify(described)).not.toContain('64');
    // Each entry is the audit chain's: the same position proves itself among the member's audit entries.
    const audited = await app.request('GET', '/api/me/audit-entries', { token: own.accessToken });
    const positions = audited.body.entries.map((e: { seq: number }) => e.seq);
    for (const entry of log.body.entries) expect(positions).toContain(entry.seq);

    const stranger = await app.request('GET', '/api/me/access-log', { token: member.accessToken });
    expect(stranger.body.entries.filter((e: { kind: string }) => e.kind === 'app')).toEqual([]);
  });
});

describe('an erased member', () => {
  it('leaves no app able to use or refresh their grant', async () => {
    const leaving = await registerAndLogin(app);
    const tokens = await connectApp(app, client, leaving.accessToken);
    expect(await app.services.apps.resolveToken(tokens.access_token)).toBeDefined();
    const erased = await app.request('DELETE', '/api/me', {
      token: leaving.accessToken,
      body: { password: leaving.password },
    });
    expect(erased.status).toBe(204);
    expect(await app.services.apps.resolveToken(tokens.access_token)).toBeUndefined();
    expect((await refresh(app, client, tokens.refresh_token)).body).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('app tokens never reach /api', () => {
  it.each([
    ['GET', '/api/me'],
    ['GET', '/api/me/observations'],
    ['GET', '/api/me/apps'],
    ['GET', '/api/me/consent'],
    ['GET', '/api/me/pending-votes'],
    ['GET', '/api/research/requests'],
    ['GET', '/api/policies'],
    ['GET', '/api/steward/apps'],
    ['GET', '/api/steward/researchers'],
    ['GET', '/api/audit/entries'],
  ])('%s %s answers 401 to an app token', async (method, path) => {
    const tokens = await connectApp(app, client, member.accessToken);
    const response = await app.request(method, path, { token: tokens.access_token });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('invalid_token');
  });

  it('refuses an app token as a session refresh token', async () => {
    const tokens = await connectApp(app, client, member.accessToken);
    const response = await app.request('POST', '/api/auth/refresh', { body: { refreshToken: tokens.refresh_token } });
    expect(response.status).toBe(401);
  });

  it('refuses a session token at the app-token resolver', async () => {
    expect(await app.services.apps.resolveToken(member.accessToken)).toBeUndefined();
  });
});
