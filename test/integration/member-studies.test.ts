// GET /api/me/studies and the consent history's "what changed": a member sees every active study, who it is for,
// and per category whether their own data is in it now under their consent; never the researcher's account.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStewardAndLogin, issueAccessToken, type InsertedMember } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { carryPolicy, seedMembers, verifiedResearcher } from './research-fixture.js';

let app: TestApp;
let voters: InsertedMember[];
let member: InsertedMember;
let researcherId: string;
let policyId: string;

beforeAll(async () => {
  app = await createTestApp({ LOGIN_MAX_ATTEMPTS_PER_IP: '1000' });
  const stewardId = (await createStewardAndLogin(app)).id;
  voters = await seedMembers(app, 12);
  member = (await seedMembers(app, 1, { consent: null }))[0]!;
  const researcher = await verifiedResearcher(app, stewardId);
  researcherId = researcher.id;
  policyId = (
    await carryPolicy(app, stewardId, researcher, voters, {
      categories: ['heart-rate', 'body-weight'],
      duo: { permission: 'HMB', modifiers: ['NPUNCU'] },
    })
  ).policyId;
});
afterAll(() => app?.close());

const token = () => issueAccessToken(app, member.id, 'member', app.clock.now());
const studies = async () => {
  const response = await app.request('GET', '/api/me/studies', { token: await token() });
  expect(response.status, response.text).toBe(200);
  return response.body.studies as any[];
};
const setConsent = async (body: unknown) => {
  app.clock.advance(60_000);
  const response = await app.request('PUT', '/api/me/consent', { token: await token(), body });
  expect(response.status, response.text).toBe(200);
  return response.body;
};

describe('GET /api/me/studies', () => {
  it('shows the active study with its researcher, and none of the member’s data in it before any consent', async () => {
    const [study, ...others] = await studies();
    expect(others).toEqual([]);
    expect(study).toMatchObject({
      id: policyId,
      title: 'Resting heart rate and age',
      researcher: { name: 'Test Member', organisation: 'University of Bern' },
      level: 'aggregate',
      left: false,
      validUntil: '2027-12-01T00:00:00.000Z',
      categories: [
        { category: 'heart-rate', included: false, reason: 'no_consent' },
        { category: 'body-weight', included: false, reason: 'no_consent' },
      ],
    });
  });

  it('never names the researcher’s account or e-mail address', async () => {
    const raw = JSON.stringify(await studies());
    expect(raw).not.toContain(researcherId);
    expect(raw).not.toContain('@uni.example');
    expect(raw).not.toContain('grantee');
  });

  it('includes exactly the categories the consent in force now shares', async () => {
    await setConsent({ categories: { 'heart-rate': 'aggregate' } });
    const [study] = await studies();
    expect(study.categories).toEqual([
      { category: 'heart-rate', included: true, reason: 'included' },
      { category: 'body-weight', included: false, reason: 'no_consent' },
    ]);
  });

  it('keeps the data out under a condition the study does not meet', async () => {
    await setConsent({ categories: { 'heart-rate': 'aggregate' }, conditions: { ethicsApprovalRequired: true } });
    expect((await studies())[0].categories[0]).toEqual({
      category: 'heart-rate',
      included: false,
      reason: 'condition_ethics_approval',
    });
  });

  it('shows a study the member left as left, with none of their data in it', async () => {
    await setConsent({ categories: { 'heart-rate': 'aggregate' }, optedOutPolicies: [policyId] });
    const [study] = await studies();
    expect(study.left).toBe(true);
    expect(study.categories[0]).toEqual({ category: 'heart-rate', included: false, reason: 'opted_out' });
  });

  it('is for members only', async () => {
    const researcherToken = await issueAccessToken(app, researcherId, 'researcher', app.clock.now());
    expect((await app.request('GET', '/api/me/studies', { token: researcherToken })).status).toBe(403);
    expect((await app.request('GET', '/api/me/studies')).status).toBe(401);
  });
});

describe('GET /api/me/consent history', () => {
  it('says what each version changed against the one before', async () => {
    const view = await setConsent({ categories: {}, optedOutPolicies: [] });
    const history = view.history as { version: number; changes: unknown[] }[];
    expect(history.map((v) => v.changes)).toEqual([
      [{ kind: 'level', category: 'heart-rate', from: 'none', to: 'aggregate' }],
      [{ kind: 'condition', condition: 'ethicsApprovalRequired', on: true }],
      [
        { kind: 'condition', condition: 'ethicsApprovalRequired', on: false },
        { kind: 'left', policyId },
      ],
      [
        { kind: 'level', category: 'heart-rate', from: 'aggregate', to: 'none' },
        { kind: 'rejoined', policyId },
      ],
    ]);
  });
});
