// Impact previews through HTTP on the real database: coarse bands, stored once per proposal and stage (a consent
// withdrawn afterwards changes nothing visible), for members and stewards only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONSENT } from '../../../policies/research/consent.js';
import { createStewardAndLogin, issueAccessToken, type InsertedMember } from '../../helpers/builders.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { consentFor, DAY, requestBody, seedMembers, verifiedResearcher } from '../../integration/research-fixture.js';

let app: TestApp;
let stewardId: string;
let members: InsertedMember[];
let researcher: Awaited<ReturnType<typeof verifiedResearcher>>;
let proposalId: string;
let draftPreview: any;

const steward = () => issueAccessToken(app, stewardId, 'steward', app.clock.now());
const asMember = (member: { id: string }) => issueAccessToken(app, member.id, 'member', app.clock.now());
const impactAs = async (token: string) => app.request('GET', `/api/proposals/${proposalId}/impact`, { token });
const setConsent = async (member: InsertedMember, shares: boolean) => {
  app.clock.advance(1_000);
  const consent = shares ? consentFor(['heart-rate', 'blood-pressure']) : DEFAULT_CONSENT;
  await app.services.research.seedConsent(member.id, consent, app.clock.now());
};

beforeAll(async () => {
  app = await createTestApp({ LOGIN_MAX_ATTEMPTS_PER_IP: '1000' });
  stewardId = (await createStewardAndLogin(app)).id;
  // Exactly τ = 11 members with heart-rate data: one withdrawal would move a live count below the cell size.
  members = await seedMembers(app, 11, { consent: consentFor(['heart-rate', 'blood-pressure']) });
  // Three with blood pressure: a category far below the cell size.
  await seedMembers(app, 3, { category: 'blood-pressure', values: (i) => [120 + i] });
  researcher = await verifiedResearcher(app, stewardId);
  const filed = await app.request('POST', '/api/research/requests', {
    token: await researcher.token(),
    body: requestBody({ categories: ['heart-rate', 'blood-pressure'] }),
  });
  expect(filed.status, filed.text).toBe(201);
  const proposed = await app.request('POST', `/api/research/requests/${filed.body.id}/proposal`, {
    token: await steward(),
  });
  expect(proposed.status, proposed.text).toBe(201);
  proposalId = proposed.body.proposal.id;
  draftPreview = proposed.body.impact;
});
afterAll(() => app?.close());

describe('the impact preview', () => {
  it('releases bands, and below the cell size only "fewer than τ"', () => {
    expect(draftPreview).toMatchObject({
      stage: 'draft',
      minCellSize: 11,
      categories: [
        { category: 'heart-rate', members: { atLeast: 11, fewerThan: 20 } },
        { category: 'blood-pressure', members: { atLeast: 0, fewerThan: 11 } },
      ],
    });
  });

  it('shows the steward the stored draft preview, not a recount, after a withdrawal', async () => {
    await setConsent(members[0]!, false);
    const again = await impactAs(await steward());
    expect(again.status, again.text).toBe(200);
    expect(again.body).toEqual(draftPreview);
    await setConsent(members[0]!, true);
  });

  it('takes the public snapshot at the first read past draft, and never recomputes it', async () => {
    const opened = await app.request('POST', `/api/proposals/${proposalId}/open`, {
      token: await steward(),
      body: { closesAt: new Date(app.clock.now().getTime() + 7 * DAY + 3_600_000).toISOString() },
    });
    expect(opened.status, opened.text).toBe(200);
    const first = await impactAs(await asMember(members[1]!));
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({
      stage: 'public',
      categories: [{ category: 'heart-rate', members: { atLeast: 11, fewerThan: 20 } }, { category: 'blood-pressure' }],
    });
    // The attack of issue 18: one member withdraws; a live count would drop from 11 to 10.
    await setConsent(members[0]!, false);
    app.clock.advance(DAY);
    for (const token of [await asMember(members[1]!), await steward(), await asMember(members[2]!)]) {
      const later = await impactAs(token);
      expect(later.status, later.text).toBe(200);
      expect(later.body).toEqual(first.body);
    }
  });

  it('takes one snapshot when many members read it at once', async () => {
    const tokens = await Promise.all(members.slice(0, 6).map(asMember));
    const bodies = (await Promise.all(tokens.map(impactAs))).map((r) => r.body);
    for (const body of bodies) expect(body).toEqual(bodies[0]);
    expect(await app.connection.collection('impact_previews').countDocuments({ proposalId })).toBe(2);
  });

  it('refuses researchers, the grantee included, with a stable code', async () => {
    const refused = await impactAs(await researcher.token());
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('role_not_allowed');
    expect(refused.text).not.toContain('members');
  });

  it('stores only the bands, never an exact count', async () => {
    const stored = await app.connection.collection('impact_previews').find({ proposalId }).toArray();
    for (const snapshot of stored) {
      for (const c of snapshot.categories) expect(Object.keys(c).sort()).toEqual(['atLeast', 'category', 'fewerThan']);
    }
  });
});
