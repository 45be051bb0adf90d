// Attacks on research answers, run as a researcher would run them: through HTTP, against the real database, with
// the policy's own queries. Each attack is a game repeated over many trials: a fair coin decides the world (the
// target in the data or not, or leaving between two queries), the attacker asks its queries and guesses the coin.
// If the trial's answers are ε-differentially private with δ = 0 (ε = the sum the ledger debited in the trial), no
// guess can be right with probability above e^ε / (1 + e^ε); each test checks the observed success rate against
// that bound plus 3 standard errors of a frequency (3·√(¼/T), a false alarm about once in 700 runs). Under the old
// rule (release decided on the exact count) the first three attacks were right every time.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NormalisedObservation } from '../../policies/observations/observation-types.js';
import { createStewardAndLogin, insertMembers, issueAccessToken, type InsertedMember } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import {
  carryPolicy,
  consentFor,
  DAY,
  PERIOD,
  seedMembers,
  verifiedResearcher,
} from '../integration/research-fixture.js';

const TRIALS = 60;

/** The most a guess about one member can be right after answers that cost ε in total (δ = 0). */
const bound = (epsilon: number) => Math.exp(epsilon) / (1 + Math.exp(epsilon));
const tolerance = (trials: number) => 3 * Math.sqrt(0.25 / trials);

interface World {
  app: TestApp;
  researcher: Awaited<ReturnType<typeof verifiedResearcher>>;
  /** The policy under attack; each attack gets a fresh one (its own ε budget of 3, the bylaws' cap). */
  policyId: string;
  newPolicy(): Promise<void>;
}

// An app with twelve voters (no research data shared) who approve policies over heart rate, by sex and age.
async function world(): Promise<World> {
  const app = await createTestApp({ LOGIN_MAX_ATTEMPTS_PER_IP: '1000' });
  app.services.research.options.queriesPerMinute = 100_000;
  const stewardId = (await createStewardAndLogin(app)).id;
  const voters = await seedMembers(app, 12, { consent: null });
  const researcher = await verifiedResearcher(app, stewardId);
  const w: World = {
    app,
    researcher,
    policyId: '',
    async newPolicy() {
      const carried = await carryPolicy(app, stewardId, researcher, voters, {
        statistics: ['count', 'mean'],
        groupBy: ['sex', 'ageBand'],
        epsilon: 3,
      });
      w.policyId = carried.policyId;
    },
  };
  return w;
}

// A member with one heart rate at each of `at`, consenting to aggregate research on heart rate.
async function memberWithData(app: TestApp, at: Date[], profile = {}): Promise<InsertedMember> {
  const [member] = await insertMembers(app, 1, {
    joinedAt: new Date(app.clock.now().getTime() - 400 * DAY),
    profile: () => profile,
  });
  const observations: NormalisedObservation[] = at.map((when) => ({
    category: 'heart-rate',
    effectiveAt: when.toISOString(),
    source: 'manual',
    unit: '/min',
    value: 70,
  }));
  await app.services.vault.storeObservations(member!.id, observations);
  await app.services.research.seedConsent(member!.id, consentFor(['heart-rate']), app.clock.now());
  return member!;
}

// The target's own action between trials, through HTTP: share heart rate with research, or not.
async function setIncluded(w: World, target: InsertedMember, included: boolean): Promise<void> {
  const token = await issueAccessToken(w.app, target.id, 'member', w.app.clock.now());
  const response = await w.app.request('PUT', '/api/me/consent', {
    token,
    body: { categories: included ? { 'heart-rate': 'aggregate' } : {} },
  });
  expect(response.status, response.text).toBe(200);
}

async function ask(w: World, body: Record<string, unknown>): Promise<any> {
  const response = await w.app.request('POST', '/api/research/queries', {
    token: await w.researcher.token(),
    body: { policyId: w.policyId, category: 'heart-rate', ...body },
  });
  expect(response.status, response.text).toBe(200);
  return response.body;
}

const cellOf = (answer: any, group: Record<string, string> = {}) =>
  answer.results[0].cells.find((c: any) => Object.entries(group).every(([k, v]) => c.group[k] === v));

// Plays `TRIALS` games; `play(inWorld)` sets up the world for the coin and returns the attacker's guess.
async function successRate(play: (coin: boolean) => Promise<boolean>): Promise<number> {
  let right = 0;
  for (let trial = 0; trial < TRIALS; trial += 1) {
    const coin = randomInt(2) === 1;
    if ((await play(coin)) === coin) right += 1;
  }
  return right / TRIALS;
}

// A month wholly in the past and inside the policy's period, so that days inside it can be named.
function pastMonth(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 1));
}

describe('privacy attacks through HTTP', { timeout: 240_000 }, () => {
  let w: World;
  let month: Date;
  let target: InsertedMember;
  let man: InsertedMember;
  const day = (n: number) => new Date(month.getTime() + n * DAY);

  beforeAll(async () => {
    w = await world();
    month = pastMonth(w.app.clock.now());
    expect(month.getTime()).toBeGreaterThanOrEqual(Date.parse(PERIOD.from));
    // Ten women with data on day 2 of the month; the target (a woman) only on day 8.
    for (let i = 0; i < 10; i += 1) await memberWithData(w.app, [day(2)], { sex: 'female', birthYear: 1970 });
    target = await memberWithData(w.app, [day(8)], { sex: 'female', birthYear: 1970 });
    // One man, in the cell "male", who is the whole difference between the total and the women.
    man = await memberWithData(w.app, [day(2)], { sex: 'male', birthYear: 1980 });
  });
  afterAll(() => w?.app.close());

  it('the suppression flag: whether a count is released says about one member only what ε allows', async () => {
    await w.newPolicy();
    // The attack of issue 13: 10 members without the target, 11 with; with exact decisions the flag was certain.
    const epsilon = 0.05;
    const flags = { in: 0, out: 0 };
    const rate = await successRate(async (coin) => {
      await setIncluded(w, target, coin);
      await setIncluded(w, man, false);
      const answer = await ask(w, {
        statistic: 'count',
        from: day(0).toISOString(),
        to: day(10).toISOString(),
        epsilon,
      });
      const released = !cellOf(answer).suppressed;
      if (released) flags[coin ? 'in' : 'out'] += 1;
      return released;
    });
    expect(rate).toBeLessThanOrEqual(bound(epsilon) + tolerance(TRIALS));
    // The flag is not a function of the world: it comes up in both worlds (each with probability ≈ ½ here).
    expect(flags.in).toBeGreaterThan(0);
    expect(flags.out).toBeGreaterThan(0);
  });

  it('differencing by period: two periods a few days apart cover the same whole month, and pay twice', async () => {
    await w.newPolicy();
    const epsilon = 0.025;
    const rate = await successRate(async (coin) => {
      await setIncluded(w, target, coin);
      const short = await ask(w, { statistic: 'count', from: day(0).toISOString(), to: day(5).toISOString(), epsilon });
      const long = await ask(w, { statistic: 'count', from: day(0).toISOString(), to: day(10).toISOString(), epsilon });
      const next = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1)).toISOString();
      expect(short.period).toEqual({ from: month.toISOString(), to: next });
      expect(long.period).toEqual(short.period);
      // The old attack: "suppressed with 5 days, released with 10" meant the target had data in days 5–10.
      return cellOf(short).suppressed && !cellOf(long).suppressed;
    });
    expect(rate).toBeLessThanOrEqual(bound(2 * epsilon) + tolerance(TRIALS));
  });

  it('total minus cells: the total and the breakdown each pay, and their difference isolates no one', async () => {
    await w.newPolicy();
    const epsilon = 0.025;
    await setIncluded(w, target, true);
    const rate = await successRate(async (coin) => {
      await setIncluded(w, man, coin);
      const total = await ask(w, { statistic: 'count', epsilon });
      const bySex = await ask(w, { statistic: 'count', groupBy: ['sex'], epsilon });
      const female = cellOf(bySex, { sex: 'female' });
      const male = cellOf(bySex, { sex: 'male' });
      if (!male.suppressed) return true;
      if (cellOf(total).suppressed || female.suppressed) return false;
      return cellOf(total).count - female.count >= 0.5;
    });
    expect(rate).toBeLessThanOrEqual(bound(2 * epsilon) + tolerance(TRIALS));
  });

  it('refining groupBy: sex, then sex × age band, pays for both and still bounds the guess', async () => {
    await w.newPolicy();
    const epsilon = 0.025;
    const rate = await successRate(async (coin) => {
      await setIncluded(w, man, coin);
      const coarse = await ask(w, { statistic: 'count', groupBy: ['sex'], epsilon });
      const fine = await ask(w, { statistic: 'count', groupBy: ['sex', 'ageBand'], epsilon });
      // The man is the only member in "male" and in "male, 40-49": any release of either is the attacker's cue.
      return !cellOf(coarse, { sex: 'male' }).suppressed || !cellOf(fine, { sex: 'male', ageBand: '40-49' }).suppressed;
    });
    expect(rate).toBeLessThanOrEqual(bound(2 * epsilon) + tolerance(TRIALS));
  });

  it('a member added or removed between two queries: the change is hidden as ε allows', async () => {
    await w.newPolicy();
    const epsilon = 0.025;
    await setIncluded(w, man, true);
    const rate = await successRate(async (coin) => {
      await setIncluded(w, target, true);
      const before = await ask(w, { statistic: 'count', epsilon });
      await setIncluded(w, target, !coin);
      const after = await ask(w, { statistic: 'count', epsilon });
      const count = (answer: any) => (cellOf(answer).suppressed ? 0 : cellOf(answer).count);
      // coin = the target left: guess so when the count went down.
      return count(before) - count(after) >= 0.5;
    });
    expect(rate).toBeLessThanOrEqual(bound(2 * epsilon) + tolerance(TRIALS));
  });
});

describe('the same query repeated until the budget ends', { timeout: 240_000 }, () => {
  let w: World;
  let target: InsertedMember;

  beforeAll(async () => {
    w = await world();
    const month = pastMonth(w.app.clock.now());
    for (let i = 0; i < 30; i += 1)
      await memberWithData(w.app, [new Date(month.getTime() + 2 * DAY)], { sex: 'female' });
    target = await memberWithData(w.app, [new Date(month.getTime() + 3 * DAY)], { sex: 'female' });
  });
  afterAll(() => w?.app.close());

  it('averaging k answers costs exactly k·ε in the ledger, the guess stays within e^(kε), and the end is refused', async () => {
    await w.newPolicy();
    const epsilon = 0.01;
    const repeats = 4;
    let spent = 0;
    const rate = await successRate(async (coin) => {
      await setIncluded(w, target, coin);
      let sum = 0;
      for (let k = 0; k < repeats; k += 1) {
        const answer = await ask(w, { statistic: 'count', epsilon });
        spent += epsilon;
        // Identical queries are answered afresh and pay again: the ledger is exact.
        expect(answer.epsilonSpent).toBe(epsilon);
        expect(answer.remainingEpsilon).toBeCloseTo(3 - spent, 9);
        sum += cellOf(answer).suppressed ? 0 : cellOf(answer).count;
      }
      return sum / repeats >= 30.5;
    });
    expect(rate).toBeLessThanOrEqual(bound(repeats * epsilon) + tolerance(TRIALS));
    // The rest of the budget, then nothing more.
    const rest = Number((3 - spent).toFixed(6));
    expect((await ask(w, { statistic: 'count', epsilon: rest })).remainingEpsilon).toBe(0);
    const refused = await w.app.request('POST', '/api/research/queries', {
      token: await w.researcher.token(),
      body: { policyId: w.policyId, category: 'heart-rate', statistic: 'count', epsilon: 0.01 },
    });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'budget_exhausted']);
  });
});
