// Property tests of proxies against the real database: random members (admitted in time or not), namings,
// revocations, own and proxy ballots, compared with a model of the rules; and races between principal and proxy.
// Every member is counted at most once, and the tally is exact and recomputable from the published ballot list.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ballotListDigest,
  type BallotChoice,
  tallyFromBallotList,
} from '../../../policies/assembly/ballot-receipts.js';
import { type Assembly, FINALISATION_GRACE_MS } from '../../../services/assembly/index.js';
import { buildAccessPolicy, createStewardAndLogin, insertMembers } from '../../helpers/builders.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

const DAY = 86_400_000;
const WINDOW = 7 * DAY + 3_600_000;
const PEOPLE = 7;

let app: TestApp;
let assembly: Assembly;
let stewardId: string;

beforeAll(async () => {
  app = await createTestApp();
  assembly = app.services.assembly;
  stewardId = (await createStewardAndLogin(app)).id;
});
afterAll(() => app.close());

const secret = () => randomBytes(32).toString('hex');

async function openProposal(): Promise<string> {
  const now = app.clock.now();
  const draft = await assembly.createDraft(
    { kind: 'access-policy', title: 'Property run', summary: 'Random proxies.', policy: buildAccessPolicy(now) },
    stewardId,
    now,
  );
  await assembly.open(draft.proposal._id, new Date(now.getTime() + WINDOW), stewardId, now);
  return draft.proposal._id;
}

async function countedBallots(id: string) {
  app.clock.advance(WINDOW + FINALISATION_GRACE_MS + 1_000);
  const results = await assembly.results(id, app.clock.now(), 'steward');
  return { outcome: results.view.outcome!, ballots: results.ballots! };
}

type Op =
  | { kind: 'name'; principal: number; proxy: number }
  | { kind: 'revoke'; principal: number }
  | { kind: 'vote'; member: number; choice: BallotChoice }
  | { kind: 'proxy-vote'; proxy: number; choice: BallotChoice };

const person = fc.integer({ min: 0, max: PEOPLE - 1 });
const choice = fc.constantFrom<BallotChoice>('yes', 'no', 'abstain');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('name' as const), principal: person, proxy: person }),
  fc.record({ kind: fc.constant('revoke' as const), principal: person }),
  fc.record({ kind: fc.constant('vote' as const), member: person, choice }),
  fc.record({ kind: fc.constant('proxy-vote' as const), proxy: person, choice }),
);

/** The rules as a model: who may do what, and which ballot of each member counts. */
class Model {
  readonly proxyOf = new Map<number, number>();
  readonly own = new Map<number, BallotChoice>();
  readonly byProxy = new Map<number, BallotChoice>();
  constructor(readonly voter: readonly boolean[]) {}

  principalOf(proxy: number): number | undefined {
    for (const [principal, named] of this.proxyOf) if (named === proxy) return principal;
    return undefined;
  }

  apply(op: Op): boolean {
    switch (op.kind) {
      case 'name': {
        const { principal: p, proxy: q } = op;
        if (!this.voter[p] || p === q || !this.voter[q] || this.own.has(p)) return false;
        if (this.proxyOf.get(p) === q) return true;
        if (this.proxyOf.has(p) || this.principalOf(p) !== undefined || this.proxyOf.has(q)) return false;
        if (this.principalOf(q) !== undefined) return false;
        this.proxyOf.set(p, q);
        return true;
      }
      case 'revoke':
        if (!this.proxyOf.has(op.principal)) return false;
        this.proxyOf.delete(op.principal);
        this.byProxy.delete(op.principal);
        return true;
      case 'vote':
        if (!this.voter[op.member]) return false;
        this.own.set(op.member, op.choice);
        this.byProxy.delete(op.member);
        return true;
      case 'proxy-vote': {
        const principal = this.principalOf(op.proxy);
        if (!this.voter[op.proxy] || principal === undefined || this.own.has(principal)) return false;
        this.byProxy.set(principal, op.choice);
        return true;
      }
    }
  }

  counted(): BallotChoice[] {
    return this.voter.flatMap((_, i) => {
      const ballot = this.own.get(i) ?? this.byProxy.get(i);
      return ballot ? [ballot] : [];
    });
  }
}

const succeeded = (promise: Promise<unknown>) =>
  promise.then(
    () => true,
    (error: { status?: number }) => {
      if (!error.status || error.status >= 500) throw error;
      return false;
    },
  );

describe('proxies: every member counted at most once, the tally exact and recomputable', () => {
  it('agrees with the model over random admissions, namings, revocations and ballots', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: PEOPLE, maxLength: PEOPLE }),
        fc.array(opArb, { minLength: 1, maxLength: 25 }),
        async (admittedInTime, ops) => {
          // Members admitted before the opening vote; the others are admitted after it and may not take part.
          const opening = app.clock.now().getTime();
          const people = await Promise.all(
            admittedInTime.map(async (inTime) => {
              const joinedAt = new Date(inTime ? opening - DAY : opening + 1_000);
              return (await insertMembers(app, 1, { joinedAt }))[0]!;
            }),
          );
          const id = await openProposal();
          app.clock.advance(2_000);
          const model = new Model(admittedInTime);
          const ownSecrets = people.map(() => secret());
          const proxySecrets = people.map(() => secret());
          for (const op of ops) {
            const now = app.clock.now();
            const done =
              op.kind === 'name'
                ? assembly.nameProxy(id, people[op.principal]!.id, people[op.proxy]!.id, now)
                : op.kind === 'revoke'
                  ? assembly.revokeProxy(id, people[op.principal]!.id, now)
                  : op.kind === 'vote'
                    ? assembly.castBallot(id, { userId: people[op.member]!.id }, op.choice, ownSecrets[op.member], now)
                    : assembly.castProxyBallot(id, people[op.proxy]!.id, op.choice, proxySecrets[op.proxy], now);
            expect(await succeeded(done), JSON.stringify(op)).toBe(model.apply(op));
          }
          const { outcome, ballots } = await countedBallots(id);
          const expected = model.counted();
          const count = (c: BallotChoice) => expected.filter((e) => e === c).length;
          expect(tallyFromBallotList(ballots)).toEqual({
            yes: count('yes'),
            no: count('no'),
            abstain: count('abstain'),
          });
          expect(outcome.totals).toMatchObject({ ...tallyFromBallotList(ballots), cast: expected.length });
          expect(outcome.ballotListDigest).toBe(ballotListDigest(ballots));
          expect(outcome.totals.cast).toBeLessThanOrEqual(admittedInTime.filter(Boolean).length);
        },
      ),
      { numRuns: 25 },
    );
    // A few hundred database round trips: generous for a loaded CI machine (there is no timed assertion).
  }, 180_000);

  const PAIRS = 12;

  /**
   * An open proposal with PAIRS mandates (principal 2i, proxy 2i+1); runs `principalAct` and a proxy ballot for every
   * pair at the same instant, all at once, then returns the count.
   */
  async function race(principalAct: (id: string, principalId: string, now: Date) => Promise<unknown>) {
    const people = await insertMembers(app, 2 * PAIRS, { joinedAt: new Date(app.clock.now().getTime() - DAY) });
    const id = await openProposal();
    const now = app.clock.now();
    for (let i = 0; i < PAIRS; i++) await assembly.nameProxy(id, people[2 * i]!.id, people[2 * i + 1]!.id, now);
    await Promise.all(
      Array.from({ length: PAIRS }, (_, i) => [
        principalAct(id, people[2 * i]!.id, now),
        succeeded(assembly.castProxyBallot(id, people[2 * i + 1]!.id, 'yes', secret(), now)),
      ]).flat(),
    );
    return countedBallots(id);
  }

  it('counts the principal once, with their own choice, when principal and proxy vote at the same moment', async () => {
    const { outcome, ballots } = await race((id, userId, now) =>
      assembly.castBallot(id, { userId }, 'no', secret(), now),
    );
    expect(outcome.totals).toMatchObject({ yes: 0, no: PAIRS, cast: PAIRS });
    expect(ballots).toHaveLength(PAIRS);
  });

  it('counts no proxy ballot of a mandate revoked at the same moment', async () => {
    const { outcome, ballots } = await race((id, userId, now) => assembly.revokeProxy(id, userId, now));
    expect(outcome.totals.cast).toBe(0);
    expect(ballots).toHaveLength(0);
  });
});
