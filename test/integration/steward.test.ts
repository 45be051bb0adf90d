import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStewardAndLogin, registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
let steward: BuiltAccount;
beforeAll(async () => {
  app = await createTestApp();
  steward = await createStewardAndLogin(app);
});
afterAll(() => app.close());

describe('researcher verification', () => {
  it('lists pending researchers and verifies one', async () => {
    const researcher = await registerAndLogin(app, {
      role: 'researcher',
      organisation: 'ETH Zurich',
      name: 'Dr. Pending',
    });
    const pending = await app.request('GET', '/api/steward/researchers?status=pending', { token: steward.accessToken });
    expect(pending.status).toBe(200);
    expect(pending.body.researchers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: researcher.id, name: 'Dr. Pending', verification: 'pending' }),
      ]),
    );

    const verified = await app.request('POST', `/api/steward/researchers/${researcher.id}/verify`, {
      token: steward.accessToken,
      body: {
        organisation: 'ETH Zürich',
        nonProfit: true,
        evidence: { method: 'institutional_directory', note: 'Listed in the staff directory' },
      },
    });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ verification: 'verified', nonProfit: true, organisation: 'ETH Zürich' });

    // The researcher's token carries the state it was issued with: now stale, refused until the client refreshes.
    const stale = await app.request('GET', '/api/me', { token: researcher.accessToken });
    expect(stale.status).toBe(401);
    const refreshed = await app.request('POST', '/api/auth/refresh', {
      body: { refreshToken: researcher.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    const me = await app.request('GET', '/api/me', { token: refreshed.body.accessToken });
    expect(me.body).toMatchObject({ verification: 'verified', nonProfit: true });
    const stillPending = await app.request('GET', '/api/steward/researchers', { token: steward.accessToken });
    expect(stillPending.body.researchers.map((r: { id: string }) => r.id)).not.toContain(researcher.id);
  });

  it('answers 404 for a member id or an unknown id', async () => {
    const member = await registerAndLogin(app);
    for (const id of [member.id, '00000000-0000-4000-8000-000000000000']) {
      const response = await app.request('POST', `/api/steward/researchers/${id}/verify`, {
        token: steward.accessToken,
        body: {
          organisation: 'Somewhere',
          nonProfit: false,
          evidence: { method: 'institutional_directory', note: 'Listed in the staff directory' },
        },
      });
      expect(response.status).toBe(404);
    }
  });

  it.each(['member', 'researcher'])('forbids a %s from verifying', async (role) => {
    const caller = await registerAndLogin(app, role === 'researcher' ? { role, organisation: 'Uni' } : { role });
    const target = await registerAndLogin(app, { role: 'researcher', organisation: 'Uni' });
    const response = await app.request('POST', `/api/steward/researchers/${target.id}/verify`, {
      token: caller.accessToken,
      body: {
        organisation: 'Uni',
        nonProfit: true,
        evidence: { method: 'institutional_directory', note: 'Listed in the staff directory' },
      },
    });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('role_not_allowed');
  });

  it('refuses to verify a verified researcher again, so their organisation and non-profit status cannot change silently', async () => {
    const researcher = await registerAndLogin(app, { role: 'researcher', organisation: 'Uni Basel' });
    const verify = (body: object) =>
      app.request('POST', `/api/steward/researchers/${researcher.id}/verify`, { token: steward.accessToken, body });
    expect(
      (
        await verify({
          organisation: 'Uni Basel',
          nonProfit: true,
          evidence: { method: 'institutional_directory', note: 'Listed in the staff directory' },
        })
      ).status,
    ).toBe(200);
    const again = await verify({
      organisation: 'Pharma Corp',
      nonProfit: true,
      evidence: { method: 'institutional_directory', note: 'Listed in the staff directory' },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('researcher_already_verified');
    const all = await app.request('GET', '/api/steward/researchers?status=all', { token: steward.accessToken });
    expect(all.body.researchers.find((r: { id: string }) => r.id === researcher.id)).toMatchObject({
      organisation: 'Uni Basel',
      nonProfit: true,
    });
  });

  it('lets one of two stewards verifying at once win, and refuses the other', async () => {
    const researcher = await registerAndLogin(app, { role: 'researcher', organisation: 'Uni Bern' });
    const replies = await Promise.all(
      [true, false, true, false].map((nonProfit) =>
        app.request('POST', `/api/steward/researchers/${researcher.id}/verify`, {
          token: steward.accessToken,
          body: {
            organisation: 'Uni Bern',
            nonProfit,
            evidence: { method: 'institutional_directory', note: 'Listed in the staff directory' },
          },
        }),
      ),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
  });

  it('changes a verified researcher’s affiliation as its own audited action with a reason', async () => {
    const researcher = await registerAndLogin(app, { role: 'researcher', organisation: 'Uni Genf' });
    const change = (id: string, body: object) =>
      app.request('POST', `/api/steward/researchers/${id}/affiliation`, { token: steward.accessToken, body });
    const pending = await change(researcher.id, {
      organisation: 'Uni Genf',
      nonProfit: true,
      reason: 'status_corrected',
    });
    expect([pending.status, pending.body.error.code]).toEqual([409, 'researcher_not_verified']);
    await app.request('POST', `/api/steward/researchers/${researcher.id}/verify`, {
      token: steward.accessToken,
      body: {
        organisation: 'Uni Genf',
        nonProfit: true,
        evidence: { method: 'institutional_directory', note: 'Listed in the staff directory' },
      },
    });
    const noReason = await change(researcher.id, { organisation: 'Genf Pharma AG', nonProfit: false });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details.map((d: { field: string }) => d.field)).toEqual(['reason']);
    const changed = await change(researcher.id, {
      organisation: 'Genf Pharma AG',
      nonProfit: false,
      reason: 'moved_organisation',
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ organisation: 'Genf Pharma AG', nonProfit: false, verification: 'verified' });
    const same = await change(researcher.id, {
      organisation: 'Genf Pharma AG',
      nonProfit: false,
      reason: 'moved_organisation',
    });
    expect([same.status, same.body.error.code]).toEqual([409, 'affiliation_unchanged']);
    const entries = await app.connection
      .collection('audit_log')
      .find({ type: 'researcher.affiliation_changed', 'data.researcherId': researcher.id })
      .toArray();
    expect(entries.map((e) => ({ actor: e.actor, data: e.data }))).toEqual([
      {
        actor: steward.id,
        data: {
          researcherId: researcher.id,
          reason: 'moved_organisation',
          organisationChanged: true,
          nonProfit: { from: true, to: false },
        },
      },
    ]);
    // The organisation's name is sealed in the profile: the audit log never holds it.
    expect(JSON.stringify(entries)).not.toContain('Genf');
    // The researcher's tokens carried the old state: stale now.
    expect((await app.request('GET', '/api/me', { token: researcher.accessToken })).status).toBe(401);
  });
});

describe('verification evidence', () => {
  const evidence = { method: 'video_call', note: 'Video call on 3 Dec; staff card of the Institute shown' };
  const verify = (id: string, body: object) =>
    app.request('POST', `/api/steward/researchers/${id}/verify`, { token: steward.accessToken, body });

  it.each([
    ['missing', {}, 'evidence'],
    ['an unknown method', { evidence: { method: 'trust_me', note: 'Seemed fine' } }, 'evidence.method'],
    ['an empty note', { evidence: { method: 'video_call', note: '   ' } }, 'evidence.note'],
    ['a note over 500 characters', { evidence: { method: 'video_call', note: 'x'.repeat(501) } }, 'evidence.note'],
    ['an unknown field', { evidence: { ...evidence, checkedBy: 'someone-else' } }, 'evidence.checkedBy'],
  ])('refuses evidence that is %s, and leaves the researcher pending', async (_case, extra, field) => {
    const researcher = await registerAndLogin(app, { role: 'researcher', organisation: 'Uni Lausanne' });
    const response = await verify(researcher.id, { organisation: 'Uni Lausanne', nonProfit: true, ...extra });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    const pending = await app.request('GET', '/api/steward/researchers?status=pending', { token: steward.accessToken });
    expect(pending.body.researchers.map((r: { id: string }) => r.id)).toContain(researcher.id);
  });

  it('stores the note sealed, audits the method only, and shows both to stewards but not to the researcher', async () => {
    const researcher = await registerAndLogin(app, { role: 'researcher', organisation: 'Institute' });
    const verified = await verify(researcher.id, { organisation: 'Institute', nonProfit: true, evidence });
    expect(verified.status, verified.text).toBe(200);
    expect(verified.body).toMatchObject({ evidence, decidedAt: expect.any(String) });

    const stored = await app.connection.collection('users').findOne({ _id: researcher.id as never });
    expect(stored?.researcher.evidence.method).toBe('video_call');
    expect(JSON.stringify(stored)).not.toContain('staff card');

    const entries = await app.connection
      .collection('audit_log')
      .find({ type: 'researcher.verified', 'data.researcherId': researcher.id })
      .toArray();
    expect(entries.map((e) => e.data)).toEqual([
      { researcherId: researcher.id, nonProfit: true, evidenceMethod: 'video_call' },
    ]);
    expect(JSON.stringify(entries)).not.toContain('staff card');

    const listed = await app.request('GET', '/api/steward/researchers?status=verified', { token: steward.accessToken });
    expect(listed.body.researchers.find((r: { id: string }) => r.id === researcher.id)).toMatchObject({ evidence });

    const refreshed = await app.request('POST', '/api/auth/refresh', {
      body: { refreshToken: researcher.refreshToken },
    });
    const me = await app.request('GET', '/api/me', { token: refreshed.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).not.toHaveProperty('evidence');
    expect(JSON.stringify(me.body)).not.toContain('staff card');
  });

  it('keeps the evidence of the verification when the affiliation changes later', async () => {
    const researcher = await registerAndLogin(app, { role: 'researcher', organisation: 'Uni Zug' });
    expect((await verify(researcher.id, { organisation: 'Uni Zug', nonProfit: true, evidence })).status).toBe(200);
    const changed = await app.request('POST', `/api/steward/researchers/${researcher.id}/affiliation`, {
      token: steward.accessToken,
      body: { organisation: 'Uni Zug Foundation', nonProfit: true, reason: 'organisation_renamed' },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ organisation: 'Uni Zug Foundation', evidence });
  });

  it('refuses evidence on an affiliation change (a change is not a new verification)', async () => {
    const researcher = await registerAndLogin(app, { role: 'researcher', organisation: 'Uni Chur' });
    expect((await verify(researcher.id, { organisation: 'Uni Chur', nonProfit: true, evidence })).status).toBe(200);
    const changed = await app.request('POST', `/api/steward/researchers/${researcher.id}/affiliation`, {
      token: steward.accessToken,
      body: { organisation: 'Uni Chur', nonProfit: false, reason: 'status_corrected', evidence },
    });
    expect(changed.status).toBe(400);
  });
});
