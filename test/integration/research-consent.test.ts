// The member's side of research through HTTP: consent (versioned, sealed, audited) and cohort insights.
import { discreteLaplaceHalfWidth } from '../../policies/research/noise-interval.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { DAY, seedMembers } from './research-fixture.js';

let app: TestApp;
let member: BuiltAccount;

beforeAll(async () => {
  app = await createTestApp({ LOGIN_MAX_ATTEMPTS_PER_IP: '1000' });
  member = await registerAndLogin(app);
});
afterAll(() => app?.close());

const consent = (body?: unknown, token = member.accessToken) =>
  app.request(body === undefined ? 'GET' : 'PUT', '/api/me/consent', { token, ...(body !== undefined && { body }) });

describe('GET/PUT /api/me/consent', () => {
  it('starts at none for every category, with no version', async () => {
    const response = await consent();
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ version: 0, recordedAt: null, history: [] });
    expect(response.body.consent.categories).toEqual({});
  });

  it('records each change as a new version with its time, conditions and opt-outs', async () => {
    const first = await consent({ categories: { 'heart-rate': 'aggregate', 'body-weight': 'none' } });
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ version: 1, consent: { categories: { 'heart-rate': 'aggregate' } } });
    app.clock.advance(60_000);
    const second = await consent({
      categories: { 'heart-rate': 'pseudonymised', 'body-weight': 'aggregate' },
      conditions: { nonCommercialOnly: true },
      optedOutPolicies: ['study-1'],
    });
    expect(second.status, second.text).toBe(200);
    expect(second.body.version).toBe(2);
    expect(second.body.consent.conditions.nonCommercialOnly).toBe(true);
    expect(second.body.consent.optedOutPolicies).toEqual(['study-1']);
    expect(second.body.history.map((v: any) => v.version)).toEqual([1, 2]);
    expect(Date.parse(second.body.history[1].recordedAt)).toBeGreaterThan(
      Date.parse(second.body.history[0].recordedAt),
    );
  });

  it('stores consent sealed and audits each change under a pseudonym', async () => {
    const stored = await app.connection.collection('consent_versions').find({ member: member.id }).toArray();
    expect(stored.length).toBe(2);
    const raw = JSON.stringify(stored);
    for (const secret of ['heart-rate', 'aggregate', 'pseudonymised', 'study-1', 'nonCommercialOnly']) {
      expect(raw).not.toContain(secret);
    }
    const audited = await app.connection.collection('audit_log').find({ type: 'consent.changed' }).toArray();
    expect(audited.length).toBe(2);
    for (const entry of audited) {
      expect(entry.actor).not.toContain(member.id);
      expect(Object.keys(entry.data)).toEqual(['version']);
    }
  });

  it.each([
    ['an unknown category', { categories: { 'shoe-size': 'aggregate' } }],
    ['an unknown level', { categories: { 'heart-rate': 'everything' } }],
    ['an operator key', { categories: { 'heart-rate': 'aggregate' }, $set: { role: 'steward' } }],
    ['an operator as a value', { categories: { 'heart-rate': { $ne: 'none' } } }],
    ['an unknown condition', { conditions: { anything: true } }],
  ])('refuses %s with 400 and records nothing', async (_, body) => {
    const response = await consent(body);
    expect(response.status, response.text).toBe(400);
    expect(['invalid_consent', 'validation_failed']).toContain(response.body.error.code);
    expect((await consent()).body.version).toBe(2);
  });

  it('audits failed log-ins without the e-mail address', async () => {
    const email = 'nobody-here@example.org';
    expect(
      (await app.request('POST', '/api/auth/login', { body: { email, password: 'wrong password!' } })).status,
    ).toBe(401);
    const failed = await app.connection.collection('audit_log').find({ type: 'login.failed' }).toArray();
    expect(failed.length).toBe(1);
    expect(JSON.stringify(failed)).not.toContain('nobody-here');
  });

  it('audits a member’s export of their own data under a pseudonym', async () => {
    const response = await app.request('GET', '/api/me/export?format=json', { token: member.accessToken });
    expect(response.status).toBe(200);
    const exported = await app.connection.collection('audit_log').find({ type: 'member.exported' }).toArray();
    expect(exported.length).toBe(1);
    expect(exported[0]!.actor).not.toContain(member.id);
  });

  it('is for members only', async () => {
    const researcher = await registerAndLogin(app, { role: 'researcher', organisation: 'Lab' });
    expect((await consent(undefined, researcher.accessToken)).status).toBe(403);
    expect((await app.request('GET', '/api/me/access-log', { token: researcher.accessToken })).status).toBe(403);
  });
});

describe('OpenAPI', () => {
  it('documents the research routes with who may call them', async () => {
    const response = await app.request('GET', '/openapi.json');
    expect(response.status).toBe(200);
    const paths = response.body.paths;
    expect(paths['/api/research/queries'].post['x-access']).toEqual(['researcher']);
    expect(paths['/api/me/consent'].put['x-access']).toEqual(['member']);
    expect(paths['/api/research/requests/{id}/proposal'].post['x-access']).toEqual(['steward']);
  });
});

describe('GET /api/me/insights', () => {
  it('says not enough members consented yet when the noisy member count is below minCellSize', async () => {
    await seedMembers(app, 5);
    const response = await app.request('GET', '/api/me/insights?category=heart-rate', { token: member.accessToken });
    expect(response.status, response.text).toBe(200);
    // At ε 1/12 the decision on 5 members is mostly noise (released with probability about 0.4): both are honest.
    if (response.body.suppressed) {
      expect(response.body.message).toBe('Not enough members consented yet.');
      expect(response.body.components[0].bands).toBeNull();
      // A suppressed release says nothing of its cohort, not even the noisy count it was refused on.
      expect(response.body.cohort).toBeNull();
    } else expect(response.body.components[0].bands).toHaveLength(5);
    // Even a suppressed release paid its ε: the founding bylaws' default rule, ε 1/12 of 1 a year.
    expect(response.body.release).toMatchObject({ fresh: true, epsilonPerYear: 1 });
    expect(response.body.release.epsilon).toBeCloseTo(1 / 12, 5);
  });

  it('places the member’s recent value among noisy percentile bands once enough members consented', async () => {
    // One release per category and period (a month under the founding bylaws): the next month releases afresh.
    const now = app.clock.now();
    app.clock.advance(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 2) - now.getTime());
    await seedMembers(app, 20, { values: (i) => [60 + i] });
    await app.services.vault.storeObservations(member.id, [
      {
        category: 'heart-rate',
        unit: '/min',
        value: 72,
        effectiveAt: new Date(app.clock.now().getTime() - DAY).toISOString(),
        source: 'manual',
      },
    ]);
    const fresh = await app.request('POST', '/api/auth/login', {
      body: { email: member.email, password: member.password },
    });
    const response = await app.request('GET', '/api/me/insights?category=heart-rate', {
      token: fresh.body.accessToken,
    });
    expect(response.status, response.text).toBe(200);
    const [component] = response.body.components;
    expect(component.own).toBe(72);
    // 21 members at ε 1/24 on the count: released with probability about 0.7, so both outcomes are checked.
    if (!response.body.suppressed) {
      expect(component.bands.map((b: any) => b.level)).toEqual([0.1, 0.25, 0.5, 0.75, 0.9]);
      expect(typeof component.position).toBe('string');
      // Who the member is compared with: the noisy count the release was decided on (never below the minimum of
      // 11) and its 95 % interval, from the count's half of ε 1/12.
      const { members, interval95 } = response.body.cohort;
      expect(members).toBeGreaterThanOrEqual(11);
      const w = discreteLaplaceHalfWidth(1, Math.floor(Math.floor(1_000_000 / 12) / 2), 0.05);
      expect(interval95).toEqual([Math.max(0, members - w), members + w]);
    } else {
      expect(component.bands).toBeNull();
      expect(response.body.cohort).toBeNull();
    }
    expect(response.body.release.periodId).toBe(app.clock.now().toISOString().slice(0, 7));
    const again = await app.request('GET', '/api/me/insights?category=heart-rate', { token: fresh.body.accessToken });
    for (const field of ['components', 'computedAt', 'release', 'suppressed', 'cohort'])
      expect(again.body[field]).toEqual(response.body[field]);
  });

  it('reports the member’s own recent value of each blood-pressure component, from their vault alone', async () => {
    const now = app.clock.now().getTime();
    await app.services.vault.storeObservations(member.id, [
      {
        category: 'blood-pressure',
        unit: 'mm[Hg]',
        components: { systolic: 121, diastolic: 79 },
        effectiveAt: new Date(now - 2 * DAY).toISOString(),
        source: 'manual',
      },
      {
        category: 'blood-pressure',
        unit: 'mm[Hg]',
        components: { systolic: 180, diastolic: 110 },
        effectiveAt: new Date(now - 40 * DAY).toISOString(),
        source: 'manual',
      },
    ]);
    const fresh = await app.request('POST', '/api/auth/login', {
      body: { email: member.email, password: member.password },
    });
    const response = await app.request('GET', '/api/me/insights?category=blood-pressure', {
      token: fresh.body.accessToken,
    });
    expect(response.status, response.text).toBe(200);
    // Only the value inside the 30-day window counts.
    expect(response.body.components.map((c: any) => [c.component, c.own])).toEqual([
      ['systolic', 121],
      ['diastolic', 79],
    ]);
  });

  it('refuses an unknown category', async () => {
    const fresh = await app.request('POST', '/api/auth/login', {
      body: { email: member.email, password: member.password },
    });
    const response = await app.request('GET', '/api/me/insights?category=shoe-size', { token: fresh.body.accessToken });
    expect(response.status).toBe(400);
  });
});
