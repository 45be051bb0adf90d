// Research access end to end through HTTP on the real database: the double key (assembly policy + member
// consent), the engine on every query, suppression and noise, the ε budget, fail-closed audit, and every refusal.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createStewardAndLogin, issueAccessToken, type InsertedMember } from '../helpers/builders.js';
import { DEFAULT_CONSENT } from '../../policies/research/consent.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import {
  carryPolicy,
  consentFor,
  DAY,
  PERIOD,
  revokePolicy,
  seedMembers,
  verifiedResearcher,
} from './research-fixture.js';

let app: TestApp;
let stewardId: string;
let researcher: Awaited<ReturnType<typeof verifiedResearcher>>;
let consenting: InsertedMember[];
let noConsent: InsertedMember[];
let ethicsOnly: InsertedMember[];
let policyId: string;
let impact: any;

const query = async (body: unknown, token?: string) =>
  app.request('POST', '/api/research/queries', { token: token ?? (await researcher.token()), body });
const asMember = (member: { id: string }) => issueAccessToken(app, member.id, 'member', app.clock.now());
const auditEntries = async (type = 'research.decision') =>
  app.connection.collection('audit_log').find({ type }).sort({ _id: 1 }).toArray();
const releasedCounts = (body: any): number[] =>
  body.results.flatMap((r: any) => r.cells.filter((c: any) => !c.suppressed).map((c: any) => c.count));

beforeAll(async () => {
  app = await createTestApp({ LOGIN_MAX_ATTEMPTS_PER_IP: '1000' });
  stewardId = (await createStewardAndLogin(app)).id;
  const sexOf = (i: number) => ({
    sex: i % 2 === 0 ? ('female' as const) : ('male' as const),
    birthYear: 1970 + (i % 30),
  });
  consenting = await seedMembers(app, 40, { profile: sexOf });
  // Heart-rate data, but consent `none` (the default): never part of any answer.
  noConsent = await seedMembers(app, 5, { consent: null, profile: sexOf, values: () => [250, 250] });
  // Three members with sex `other`: a cell too small to publish.
  await seedMembers(app, 3, { profile: () => ({ sex: 'other' }) });
  // Consent only for studies with ethics approval (DUO IRB), which this policy lacks.
  ethicsOnly = await seedMembers(app, 1, {
    consent: consentFor(['heart-rate'], 'aggregate', {
      conditions: { ...DEFAULT_CONSENT.conditions, ethicsApprovalRequired: true },
    }),
  });
  // Blood pressure of forty members: answered per component. Release is decided on a noisy count against τ = 11,
  // so a cohort close to τ would be released only some of the time; forty is far enough at the ε used below.
  await seedMembers(app, 40, {
    category: 'blood-pressure',
    values: (i) => [120 + i],
    consent: consentFor(['blood-pressure']),
  });
  researcher = await verifiedResearcher(app, stewardId);
  const carried = await carryPolicy(app, stewardId, researcher, consenting.slice(0, 12), {
    categories: ['heart-rate', 'blood-pressure'],
    // The bylaws' cap: the queries below spend enough ε that their release decisions are near-certain.
    epsilon: 3,
  });
  policyId = carried.policyId;
  impact = carried.impact;
});
afterAll(() => app?.close());

describe('the story: request → proposal → vote → queries', () => {
  it('previews the impact per category as coarse bands, never who', () => {
    expect(impact).toMatchObject({
      minCellSize: 11,
      stage: 'draft',
      categories: [
        { category: 'heart-rate', members: { atLeast: 40, fewerThan: 50 } },
        { category: 'blood-pressure', members: { atLeast: 40, fewerThan: 50 } },
      ],
    });
    expect(JSON.stringify(impact)).not.toContain(consenting[0]!.id);
  });

  it('lists the approved policy as active with its full budget', async () => {
    const response = await app.request('GET', '/api/policies', { token: await researcher.token() });
    expect(response.status).toBe(200);
    const policy = response.body.policies.find((p: any) => p.id === policyId);
    expect(policy).toMatchObject({ status: 'active', grantee: researcher.id, epsilonBudget: 3, remainingEpsilon: 3 });
  });

  it('answers a count by sex: noisy counts of the large cells, the small cell suppressed on its noisy count', async () => {
    const response = await query({
      policyId,
      category: 'heart-rate',
      statistic: 'count',
      groupBy: ['sex'],
      epsilon: 1,
    });
    expect(response.status, response.text).toBe(200);
    expect(response.body.remainingEpsilon).toBeCloseTo(2, 6);
    expect(response.body.release).toMatchObject({ threshold: 11, deltaSpent: 0, intervalLevel: 0.95 });
    const cells = response.body.results[0].cells;
    const bySex = Object.fromEntries(cells.map((c: any) => [c.group.sex, c]));
    // ε = 1: P(3 + Z ≥ 11) = e^−8/(1 + e^−1) ≈ 2·10⁻⁴, P(20 + Z < 11) ≈ 10⁻⁴.
    expect(bySex.other.suppressed).toBe(true);
    for (const sex of ['female', 'male']) {
      const cell = bySex[sex];
      expect(cell).toMatchObject({ suppressed: false, noiseScale: 1 });
      // The released count is the noisy count itself; its interval is count ± 3 at ε = 1.
      expect(cell.interval95).toEqual([cell.count - 3, cell.count + 3]);
    }
    for (const count of releasedCounts(response.body)) expect(count).toBeGreaterThanOrEqual(11);
  });

  it('never includes a member whose consent is none, and shows each query in the contributors’ access logs', async () => {
    const mean = await query({ policyId, category: 'heart-rate', statistic: 'mean', epsilon: 0.5 });
    expect(mean.status, mean.text).toBe(200);
    // A mean at ε = 0.5 over 40 members has a noise standard deviation of tens of beats per minute, so its value
    // cannot show who was included (an earlier bound on it failed about one run in five). Inclusion is checked
    // exactly below: the query is in every contributor's access log and in no non-consenting member's.
    expect(mean.body.results[0].cells[0]).toMatchObject({ suppressed: false, mean: expect.any(Number) });
    const mine = await app.request('GET', '/api/me/access-log', { token: await asMember(consenting[0]!) });
    expect(mine.status).toBe(200);
    expect(mine.body.entries.map((e: any) => e.queryId)).toContain(mean.body.queryId);
    expect(mine.body.entries[0]).toMatchObject({
      study: 'Resting heart rate and age',
      category: 'heart-rate',
      decision: 'allow',
      policyId,
    });
    const theirs = await app.request('GET', '/api/me/access-log', { token: await asMember(noConsent[0]!) });
    expect(theirs.body.entries).toEqual([]);
    const conditional = await app.request('GET', '/api/me/access-log', { token: await asMember(ethicsOnly[0]!) });
    expect(conditional.body.entries).toEqual([]);
  });

  it('answers blood pressure per component', async () => {
    const response = await query({ policyId, category: 'blood-pressure', statistic: 'mean', epsilon: 1 });
    expect(response.status, response.text).toBe(200);
    expect(response.body.results.map((r: any) => r.component)).toEqual(['systolic', 'diastolic']);
    const [systolic, diastolic] = response.body.results.map((r: any) => r.cells[0]);
    expect(systolic.suppressed).toBe(false);
    expect(diastolic.suppressed).toBe(false);
    expect(systolic.mean).toBeGreaterThanOrEqual(40);
    expect(diastolic.mean).toBeLessThanOrEqual(200);
  });

  it('shows the researcher their own query history, without contributors', async () => {
    const response = await app.request('GET', '/api/research/queries', { token: await researcher.token() });
    expect(response.status).toBe(200);
    expect(response.body.queries.length).toBeGreaterThanOrEqual(2);
    expect(response.body.queries).toContainEqual(
      expect.objectContaining({ kind: 'query', policyId, category: 'heart-rate' }),
    );
    expect(response.body.queries[0].contributors).toBeUndefined();
  });

  it('drops a member from the very next answer after they withdraw consent', async () => {
    const member = consenting[1]!;
    const put = await app.request('PUT', '/api/me/consent', {
      token: await asMember(member),
      body: { categories: {} },
    });
    expect(put.status, put.text).toBe(200);
    expect(put.body.consent.categories).toEqual({});
    const next = await query({ policyId, category: 'heart-rate', statistic: 'count', epsilon: 0.05 });
    expect(next.status, next.text).toBe(200);
    const log = await app.request('GET', '/api/me/access-log', { token: await asMember(member) });
    expect(log.body.entries.map((e: any) => e.queryId)).not.toContain(next.body.queryId);
  });
});

describe('refusals, each audited with its reason', () => {
  it.each([
    ['a category outside the policy', { category: 'body-weight', statistic: 'count' }, 403, 'category_not_allowed'],
    [
      'a statistic outside the policy',
      { category: 'heart-rate', statistic: 'quantiles' },
      403,
      'statistic_not_allowed',
    ],
    [
      'a groupBy outside the policy',
      { category: 'heart-rate', statistic: 'count', groupBy: ['region'] },
      403,
      'group_by_not_allowed',
    ],
    [
      'a period outside the policy',
      { category: 'heart-rate', statistic: 'count', from: '2020-01-01T00:00:00.000Z' },
      403,
      'period_outside_policy',
    ],
    ['an ε above what remains', { category: 'heart-rate', statistic: 'count', epsilon: 2 }, 409, 'budget_exhausted'],
  ])('refuses %s', async (_, fields, status, code) => {
    const before = (await auditEntries()).length;
    const response = await query({ policyId, ...fields });
    expect(response.status, response.text).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(response.body.results).toBeUndefined();
    const entries = await auditEntries();
    expect(entries.length).toBe(before + 1);
    expect(entries.at(-1)!.data).toMatchObject({ decision: 'deny', reason: code, policyId });
  });

  it('refuses someone else’s policy and an unknown or never-approved one', async () => {
    const other = await verifiedResearcher(app, stewardId);
    const notMine = await query({ policyId, category: 'heart-rate', statistic: 'count' }, await other.token());
    expect([notMine.status, notMine.body.error.code]).toEqual([403, 'not_grantee']);
    const unknown = await query({ policyId: 'no-such-policy', category: 'heart-rate', statistic: 'count' });
    expect([unknown.status, unknown.body.error.code]).toEqual([403, 'policy_not_active']);
    // Filed and drafted, but never voted.
    const filed = await app.request('POST', '/api/research/requests', {
      token: await other.token(),
      body: (await import('./research-fixture.js')).requestBody(),
    });
    const proposed = await app.request('POST', `/api/research/requests/${filed.body.id}/proposal`, {
      token: await issueAccessToken(app, stewardId, 'steward', app.clock.now()),
    });
    expect(proposed.status, proposed.text).toBe(201);
    const again = await app.request('POST', `/api/research/requests/${filed.body.id}/proposal`, {
      token: await issueAccessToken(app, stewardId, 'steward', app.clock.now()),
    });
    expect([again.status, again.body.error.code]).toEqual([409, 'request_already_proposed']);
    const request = await app.request('GET', `/api/research/requests/${filed.body.id}`, { token: await other.token() });
    expect(request.body.status).toBe('proposed');
    const draftPolicy = request.body.policyId as string;
    expect(
      (await app.request('GET', `/api/research/requests/${filed.body.id}`, { token: await researcher.token() })).status,
    ).toBe(404);
    const never = await query(
      { policyId: draftPolicy, category: 'heart-rate', statistic: 'count' },
      await other.token(),
    );
    expect([never.status, never.body.error.code]).toEqual([403, 'policy_not_active']);
  });

  it('refuses a not-for-profit (NPU) request from an organisation not verified as non-profit', async () => {
    const company = await verifiedResearcher(app, stewardId, true, false);
    const { requestBody } = await import('./research-fixture.js');
    const filed = await app.request('POST', '/api/research/requests', {
      token: await company.token(),
      body: requestBody({ duo: { permission: 'HMB', modifiers: ['NPUNCU'] } }),
    });
    expect([filed.status, filed.body.error.code]).toEqual([403, 'organisation_not_non_profit']);
    const commercial = await app.request('POST', '/api/research/requests', {
      token: await company.token(),
      body: requestBody({ duo: { permission: 'HMB', modifiers: [] } }),
    });
    expect(commercial.status, commercial.text).toBe(201);
  });

  it('refuses an unverified researcher, and members and stewards on research routes', async () => {
    const unverified = await verifiedResearcher(app, stewardId, false);
    const filed = await app.request('POST', '/api/research/requests', {
      token: await unverified.token(),
      body: (await import('./research-fixture.js')).requestBody(),
    });
    expect([filed.status, filed.body.error.code]).toEqual([403, 'researcher_not_verified']);
    const asked = await query({ policyId, category: 'heart-rate', statistic: 'count' }, await unverified.token());
    expect([asked.status, asked.body.error.code]).toEqual([403, 'researcher_not_verified']);
    const member = await query(
      { policyId, category: 'heart-rate', statistic: 'count' },
      await asMember(consenting[2]!),
    );
    expect([member.status, member.body.error.code]).toEqual([403, 'role_not_allowed']);
    const steward = await issueAccessToken(app, stewardId, 'steward', app.clock.now());
    const stewardQuery = await query({ policyId, category: 'heart-rate', statistic: 'count' }, steward);
    expect([stewardQuery.status, stewardQuery.body.error.code]).toEqual([403, 'role_not_allowed']);
    const exported = await app.request('GET', `/api/research/policies/${policyId}/export?category=heart-rate`, {
      token: steward,
    });
    expect(exported.status).toBe(403);
  });

  it.each([
    ['an operator as policy id', { policyId: { $ne: null }, category: 'heart-rate', statistic: 'count' }],
    ['an operator in a list', { policyId: 'x', category: 'heart-rate', statistic: 'count', groupBy: [{ $gt: '' }] }],
    ['an unknown field', { policyId: 'x', category: 'heart-rate', statistic: 'count', $where: 'sleep(1000)' }],
    ['an oversized field', { policyId: 'x', category: 'h'.repeat(1000), statistic: 'count' }],
  ])('refuses %s with 400, releases nothing and audits the denial', async (_, body) => {
    const before = (await auditEntries()).length;
    const response = await query(body);
    expect(response.status, response.text).toBe(400);
    expect(response.body.error.code).toBe('invalid_request');
    expect(response.body.results).toBeUndefined();
    const entries = await auditEntries();
    expect(entries.length).toBe(before + 1);
    expect(entries.at(-1)!.data).toMatchObject({ decision: 'deny', reason: 'invalid_request' });
    expect(JSON.stringify(entries.at(-1)!.data)).not.toContain('sleep(');
  });

  it('refuses a body over the size limit with 413', async () => {
    const response = await query({ policyId, category: 'heart-rate', statistic: 'count', pad: 'x'.repeat(10_000) });
    expect(response.status).toBe(413);
  });
});

describe('fail closed and rate limits', () => {
  it('releases nothing (503) when the decision cannot be written to the audit log', async () => {
    const spy = vi.spyOn(app.services.audit, 'append').mockRejectedValue(new Error('disk full'));
    try {
      const response = await query({ policyId, category: 'heart-rate', statistic: 'count', epsilon: 0.01 });
      expect(response.status).toBe(503);
      expect(response.body.error.code).toBe('audit_unavailable');
      expect(response.headers.get('retry-after')).toBeTruthy();
      expect(response.body.results).toBeUndefined();
    } finally {
      spy.mockRestore();
    }
  });

  it('limits queries per researcher with 429 and Retry-After', async () => {
    const limited = await verifiedResearcher(app, stewardId);
    const previous = app.services.research.options.queriesPerMinute;
    app.services.research.options.queriesPerMinute = 2;
    try {
      const body = { policyId: 'no-such-policy', category: 'heart-rate', statistic: 'count' };
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await query(body, await limited.token())).status);
      expect(statuses).toEqual([403, 403, 429]);
      const last = await query(body, await limited.token());
      expect(Number(last.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    } finally {
      app.services.research.options.queriesPerMinute = previous;
    }
  });
});

describe('differencing', () => {
  it('does not let two queries whose difference is one member reveal that member exactly', async () => {
    // The attacker asks the same count before and after the target leaves; the truth differs by exactly 1.
    const target = consenting[3]!;
    const differences: number[] = [];
    for (let round = 0; round < 4; round++) {
      const before = await query({ policyId, category: 'heart-rate', statistic: 'count', epsilon: 0.02 });
      const level = round % 2 === 0 ? {} : { 'heart-rate': 'aggregate' };
      await app.request('PUT', '/api/me/consent', { token: await asMember(target), body: { categories: level } });
      const after = await query({ policyId, category: 'heart-rate', statistic: 'count', epsilon: 0.02 });
      expect([before.status, after.status]).toEqual([200, 200]);
      differences.push(releasedCounts(before.body)[0]! - releasedCounts(after.body)[0]!);
    }
    // With noise of scale 1/0.02 = 50 the difference is almost never the true ±1 in every round.
    expect(differences.every((d) => Math.abs(d) === 1)).toBe(false);
  });
});

describe('pseudonymised export', () => {
  it('refuses an export under an aggregate-only policy', async () => {
    const response = await app.request('GET', `/api/research/policies/${policyId}/export?category=heart-rate`, {
      token: await researcher.token(),
    });
    expect([response.status, response.body.error.code]).toEqual([403, 'level_not_allowed']);
  });

  it('exports only pseudonymised-consenting members, under per-study pseudonyms, dates to the month; key gone at revocation', async () => {
    const pseudonymous = await seedMembers(app, 12, {
      consent: consentFor(['heart-rate'], 'pseudonymised'),
      values: () => [70],
    });
    const carried = await carryPolicy(app, stewardId, researcher, consenting.slice(10, 24), {
      title: 'Record-level heart rate',
      level: 'pseudonymised',
      statistics: ['count'],
    });
    const url = `/api/research/policies/${carried.policyId}/export?category=heart-rate`;
    const response = await app.request('GET', url, { token: await researcher.token() });
    expect(response.status, response.text).toBe(200);
    const records = response.body.records as any[];
    expect(new Set(records.map((r) => r.pseudonym)).size).toBe(12);
    for (const record of records) {
      expect(record.effective).toMatch(/^\d{4}-\d{2}$/);
      expect(Object.keys(record).sort()).toEqual(['category', 'effective', 'pseudonym', 'unit', 'value']);
    }
    for (const member of [...pseudonymous, ...consenting]) expect(response.text).not.toContain(member.id);
    const exportAudit = (await auditEntries()).at(-1)!;
    expect(exportAudit.data).toMatchObject({ decision: 'allow', export: true, policyId: carried.policyId });
    expect(await app.connection.collection('policy_keys').countDocuments({ _id: carried.policyId as never })).toBe(1);

    await revokePolicy(app, stewardId, carried.policyId, consenting.slice(20, 26));
    const refused = await app.request('GET', url, { token: await researcher.token() });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'policy_revoked']);
    expect(await app.connection.collection('policy_keys').countDocuments({ _id: carried.policyId as never })).toBe(0);
  });
});

describe('the end of a policy', () => {
  it('refuses the next query after the assembly revokes the policy, and the audit chain verifies', async () => {
    await revokePolicy(app, stewardId, policyId, consenting.slice(26, 32));
    const response = await query({ policyId, category: 'heart-rate', statistic: 'count', epsilon: 0.01 });
    expect([response.status, response.body.error.code]).toEqual([403, 'policy_revoked']);
    const listed = await app.request('GET', '/api/policies?status=all', { token: await researcher.token() });
    expect(listed.body.policies.find((p: any) => p.id === policyId).status).toBe('revoked');
    const verify = await app.request('GET', '/api/audit/verify', {
      token: await issueAccessToken(app, stewardId, 'steward', app.clock.now()),
    });
    expect(verify.body).toMatchObject({ valid: true, problems: [] });
    const types = new Set((await app.connection.collection('audit_log').find({}).toArray()).map((e) => e.type));
    expect(types).toContain('consent.changed');
    expect(types).toContain('research.decision');
    for (const type of ['login.succeeded', 'proposal.drafted', 'proposal.opened', 'proposal.finalised']) {
      expect(types).toContain(type);
    }
    expect(types).toContain('research.request.proposed');
  });

  it('refuses a query once the policy has expired', async () => {
    const validUntil = new Date(app.clock.now().getTime() + 8 * DAY).toISOString();
    const carried = await carryPolicy(app, stewardId, researcher, consenting.slice(26, 40), {
      validUntil,
      period: PERIOD,
    });
    const ok = await query({ policyId: carried.policyId, category: 'heart-rate', statistic: 'count', epsilon: 0.01 });
    expect(ok.status, ok.text).toBe(200);
    app.clock.advance(DAY);
    const late = await query({ policyId: carried.policyId, category: 'heart-rate', statistic: 'count', epsilon: 0.01 });
    expect([late.status, late.body.error.code]).toEqual([403, 'policy_expired']);
  });
});
