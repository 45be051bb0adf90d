// Cohort insights under the bylaws' standing rule, on the real database: one release per category and period
// (every member of the period sees the same numbers), paid from a yearly ε ledger per category that can never be
// passed, even by concurrent requests or an amendment mid-year; once it is spent, the last release is shown again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bylaws } from '../../../policies/assembly/bylaws.js';
import type { InsightRule } from '../../../policies/research/insight-budget.js';
import type { Assembly } from '../../../services/assembly/index.js';
import { createMemberDirectory } from '../../../services/members/index.js';
import { createResearch, type Research } from '../../../services/research/index.js';
import type { InsertedMember } from '../../helpers/builders.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { seedMembers } from '../../integration/research-fixture.js';

let app: TestApp;
let research: Research;
let members: InsertedMember[];
let founding: Bylaws;
let rule: InsightRule | undefined;

const DAY = 86_400_000;
const ledger = (category: string, year: number) =>
  app.connection
    .collection('epsilon_ledger')
    .find({ _id: { $regex: `^insights:${category}:${year}:\\d+$` } as never })
    .sort({ n: 1 })
    .toArray();
const view = (i: number, at: Date, category = 'heart-rate') =>
  research.insights(members[i % members.length]!.id, category, at);

beforeAll(async () => {
  app = await createTestApp();
  members = await seedMembers(app, 30);
  founding = (await app.services.assembly.bylawsInForce(app.clock.now())).bylaws;
  // The assembly as far as insights read it: the bylaws in force, with the rule this test votes in.
  const assembly = {
    ...app.services.assembly,
    bylawsInForce: async () => ({ bylaws: { ...founding, privacy: { ...founding.privacy, insights: rule } } }),
  } as unknown as Assembly;
  research = createResearch({
    connection: app.connection,
    keyring: app.services.keyring,
    audit: app.services.audit,
    assembly,
    vault: app.services.vault,
    members: createMemberDirectory({ connection: app.connection, keyring: app.services.keyring }),
  });
});
afterAll(() => app?.close());

describe('cohort insights under a yearly budget', () => {
  it('without a rule in the bylaws: the default, ε 1/12 per monthly release of ε 1 a year', async () => {
    rule = undefined;
    const at = new Date(app.clock.now().getTime() + DAY);
    const seen = await view(0, at);
    expect(seen.release).toMatchObject({ fresh: true, epsilonPerYear: 1, periodId: at.toISOString().slice(0, 7) });
    expect(seen.release.epsilon).toBeCloseTo(1 / 12, 6);
    expect(seen.release.spentThisYear).toBeCloseTo(1 / 12, 6);
  });

  it('releases once per period under concurrent views: one ledger entry, the same numbers for everyone', async () => {
    rule = { epsilonPerYear: 0.6, period: 'quarter' };
    const at = new Date(Date.UTC(2031, 4, 10));
    const views = await Promise.all(Array.from({ length: 12 }, (_, i) => view(i, at, 'body-weight')));
    expect(await ledger('body-weight', 2031)).toHaveLength(1);
    for (const v of views) {
      expect(v.components.map((c) => c.bands)).toEqual(views[0]!.components.map((c) => c.bands));
      expect(v.computedAt).toEqual(views[0]!.computedAt);
      expect(v.release).toEqual({
        periodId: '2031-Q2',
        fresh: true,
        epsilon: 0.15,
        epsilonPerYear: 0.6,
        spentThisYear: 0.15,
        year: 2031,
      });
    }
    const audited = await app.connection
      .collection('audit_log')
      .find({ type: 'research.insight.released', 'data.category': 'body-weight' })
      .toArray();
    expect(audited.map((e) => e.data)).toEqual([
      { category: 'body-weight', period: '2031-Q2', epsilonMicro: 150_000, position: 1 },
    ]);
    // Repeated views later in the period cost nothing.
    await view(3, new Date(Date.UTC(2031, 5, 29)), 'body-weight');
    expect(await ledger('body-weight', 2031)).toHaveLength(1);
  });

  it('never passes the year’s budget, across periods, concurrency and an amendment mid-year', async () => {
    // A yearly release spends the whole budget; an amendment to monthly releases cannot spend more that year.
    rule = { epsilonPerYear: 0.5, period: 'year' };
    const first = await view(0, new Date(Date.UTC(2032, 1, 3)));
    expect(first.release).toMatchObject({ fresh: true, epsilon: 0.5, spentThisYear: 0.5 });
    rule = { epsilonPerYear: 0.5, period: 'month' };
    for (let month = 2; month < 12; month += 1) {
      const at = new Date(Date.UTC(2032, month, 15));
      const views = await Promise.all(Array.from({ length: 4 }, (_, i) => view(i, at)));
      for (const v of views) {
        // The last release stays shown, with its date and what it cost; nothing new is released.
        expect(v.release).toMatchObject({ fresh: false, epsilon: 0.5, spentThisYear: 0.5, epsilonPerYear: 0.5 });
        expect(v.computedAt).toEqual(first.computedAt);
        expect(v.components.map((c) => c.bands)).toEqual(first.components.map((c) => c.bands));
      }
    }
    const entries = await ledger('heart-rate', 2032);
    expect(entries.map((e) => e.cumulativeMicro)).toEqual([500_000]);
    // The next year has its own budget: monthly releases of 0.5/12 each, at most twelve, never past 0.5.
    for (let month = 0; month < 12; month += 1) {
      const at = new Date(Date.UTC(2033, month, 20));
      await Promise.all(Array.from({ length: 3 }, (_, i) => view(i, at)));
    }
    const next = await ledger('heart-rate', 2033);
    expect(next).toHaveLength(12);
    expect(next.at(-1)!.cumulativeMicro).toBeLessThanOrEqual(500_000);
    expect(next.every((e) => e.costMicro === Math.floor(500_000 / 12))).toBe(true);
  });
});
