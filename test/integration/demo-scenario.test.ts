// The living demo scenario seeded into a fresh database: Anna has one vote to cast, the demo researcher's policy
// was approved in the past and answers queries now, and a second seeding creates nothing.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoCooperative, type DemoSeedSummary } from '../../services/demo/demo-cooperative.js';
import { login } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const fixture = fileURLToPath(new URL('../../fixtures/demo-cooperative.json', import.meta.url));
let app: TestApp;
let first: DemoSeedSummary;
let firstMs: number;
const seed = () => seedDemoCooperative(app.services.members, fixture, app.clock.now, app.services.vault, app.services);

beforeAll(async () => {
  app = await createTestApp({ LOGIN_MAX_ATTEMPTS_PER_IP: '1000' });
  const started = Date.now();
  first = await seed();
  firstMs = Date.now() - started;
}, 120_000);
afterAll(() => app?.close());

describe('demo scenario', () => {
  it('creates the named and 30 generated members with data, consent and three proposals, quickly', () => {
    expect(first).toMatchObject({ created: 39, membersWithData: 35, consents: 36, proposals: 3 });
    expect(firstMs).toBeLessThan(60_000);
  });

  it('gives Anna exactly one pending vote and a consent history', async () => {
    const { accessToken } = await login(app, 'anna@demo.datacoop.ch', 'demo-member-2026');
    const pending = await app.request('GET', '/api/me/pending-votes', { token: accessToken });
    expect(pending.status, pending.text).toBe(200);
    expect(pending.body.votes).toHaveLength(1);
    expect(pending.body.votes[0].proposal.title).toBe('Weekday and weekend sleep and activity');
    const consent = await app.request('GET', '/api/me/consent', { token: accessToken });
    expect(consent.body.history).toHaveLength(2);
    expect(consent.body.consent.categories).toEqual({ 'heart-rate': 'aggregate', 'sleep-duration': 'aggregate' });
  });

  it('gives the demo researcher an active policy whose count query releases cells', async () => {
    const { accessToken } = await login(app, 'researcher@demo.datacoop.ch', 'demo-researcher-2026');
    const policies = await app.request('GET', '/api/policies', { token: accessToken });
    expect(policies.status, policies.text).toBe(200);
    const active = policies.body.policies.filter((p: any) => p.status === 'active');
    expect(active).toHaveLength(1);
    const query = await app.request('POST', '/api/research/queries', {
      token: accessToken,
      body: { policyId: active[0].id, category: 'heart-rate', statistic: 'count', groupBy: ['sex'], epsilon: 0.5 },
    });
    expect(query.status, query.text).toBe(200);
    const released = query.body.results[0].cells.filter((c: any) => !c.suppressed);
    expect(released.length).toBeGreaterThanOrEqual(1);
  });

  it("shows Tom's application at the steward's admission desk, and Tom in no electorate", async () => {
    const steward = await login(app, 'steward@demo.datacoop.ch', 'demo-steward-2026');
    const desk = await app.request('GET', '/api/steward/members', { token: steward.accessToken });
    expect(desk.body.members.map((m: { name: string }) => m.name)).toEqual(['Tom Applicant']);
    const register = await app.request('GET', '/api/steward/members?status=admitted', { token: steward.accessToken });
    expect(register.body.members).toHaveLength(35);
    const tom = await login(app, 'tom@demo.datacoop.ch', 'demo-member-2026');
    const pending = await app.request('GET', '/api/me/pending-votes', { token: tom.accessToken });
    expect(pending.body.votes).toEqual([]);
  });

  it('shows a ballot cast by proxy, a discussion on the open vote, and a proposal announced for discussion', async () => {
    const steward = await login(app, 'steward@demo.datacoop.ch', 'demo-steward-2026');
    const token = steward.accessToken;
    const open = (await app.request('GET', '/api/proposals?status=open', { token })).body.proposals;
    expect(open).toHaveLength(1);
    // Six members voted themselves and one member's proxy voted for them: seven of the electorate.
    expect(open[0].turnout).toBe(7);
    const thread = await app.request('GET', `/api/proposals/${open[0].id}/discussion`, { token });
    expect(thread.body.posts).toHaveLength(2);
    expect(thread.body.posts[1]).toMatchObject({ parentId: thread.body.posts[0].id, author: { role: 'steward' } });
    const announced = (await app.request('GET', '/api/proposals?status=announced', { token })).body.proposals;
    expect(announced.map((p: { title: string }) => p.title)).toEqual(['Daily steps and resting heart rate by age']);
    const question = await app.request('GET', `/api/proposals/${announced[0].id}/discussion`, { token });
    expect(question.body.posts).toHaveLength(1);
  });

  it('creates nothing on a second seeding', async () => {
    expect(await seed()).toEqual({ created: 0, membersWithData: 0, observations: 0, consents: 0, proposals: 0 });
  });
});
