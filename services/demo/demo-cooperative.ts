// Loads the demo cooperative (fixtures/demo-cooperative.json) into an empty database; idempotent. Given the
// assembly and research services, it also plays a living scenario through the use cases with explicit instants:
// generated members with data and consent, an access policy voted and approved in the past, and a vote open now.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { generateDemoMembers } from '../../fixtures/demo-members.js';
import { generateObservations } from '../../fixtures/demo-observations.js';
import { currentBylaws, membershipRulesOf } from '../../policies/assembly/bylaws.js';
import type { Assembly } from '../assembly/index.js';
import type { Actor } from '../auth/index.js';
import { AppError } from '../errors.js';
import type { Members } from '../members/index.js';
import type { Research, ResearchRequestInput } from '../research/index.js';
import type { Vault } from '../vault/index.js';

/** How much history each named demo member gets (kept to a year so start-up stays fast). */
const DEMO_HISTORY_DAYS = 365;
/** How much history each generated demo member gets. */
const GENERATED_HISTORY_DAYS = 90;
/** Scenario members joined this long ago, so they are in the electorate of the past vote. */
const JOINED_DAYS_AGO = 120;
const DAY = 86_400_000;
const HOUR = 3_600_000;

export const APPROVED_STUDY_TITLE = 'Resting heart rate and sleep by age and sex';
export const OPEN_STUDY_TITLE = 'Weekday and weekend sleep and activity';
export const ANNOUNCED_STUDY_TITLE = 'Daily steps and resting heart rate by age';

const person = z.object({ email: z.string(), password: z.string(), name: z.string() });
const holder = person.extend({
  birthYear: z.number().int().optional(),
  sex: z.enum(['female', 'male', 'other', 'unspecified']).optional(),
  region: z.enum(['CH01', 'CH02', 'CH03', 'CH04', 'CH05', 'CH06', 'CH07', 'other']).optional(),
});
const demoSchema = z.object({
  steward: person,
  members: z.array(holder),
  /** Account holders who applied for membership and wait for the steward's admission desk. */
  applicants: z.array(holder).default([]),
  researchers: z.array(person.extend({ organisation: z.string(), nonProfit: z.boolean(), verified: z.boolean() })),
});

/** What the seeder asks of the vault: whether a member's vault is empty, and storing generated observations. */
export type DemoVault = Pick<Vault, 'isEmpty' | 'storeObservations'>;

/** What the scenario asks of the research context: consent, access requests and their proposals, policies. */
export type DemoResearch = Pick<
  Research,
  'consentOf' | 'changeConsent' | 'listRequests' | 'fileRequest' | 'proposeRequest' | 'listPolicies'
>;

/** The services the living scenario goes through (all optional: without them only accounts are seeded). */
export interface DemoScenarioServices {
  assembly: Pick<Assembly, 'open' | 'castBallot' | 'announce' | 'post' | 'nameProxy' | 'castProxyBallot'>;
  research: DemoResearch;
}

export interface DemoSeedSummary {
  /** Accounts created. */
  created: number;
  /** Members whose (empty) vault received generated observations, and how many observations in all. */
  membersWithData: number;
  observations: number;
  /** Consent versions recorded. */
  consents: number;
  /** Proposals created by the scenario. */
  proposals: number;
}

/** Consent levels of the named demo members (Anna's history gets a second version later). */
const NAMED_CONSENT: Record<string, 'aggregate' | 'pseudonymised' | 'none'> = {
  'anna@demo.datacoop.ch': 'aggregate',
  'luc@demo.datacoop.ch': 'aggregate',
  'giulia@demo.datacoop.ch': 'aggregate',
  'noah@demo.datacoop.ch': 'none',
  'lea@demo.datacoop.ch': 'pseudonymised',
};

/**
 * Creates every demo account that does not exist yet and, given the vault, generated observations for each demo
 * member whose vault is still empty. Given `scenario`, also the generated members, their consent and the votes.
 */
export async function seedDemoCooperative(
  accounts: Pick<
    Members,
    'findIdByEmail' | 'createSteward' | 'register' | 'verifyResearcher' | 'applyForMembership' | 'admit'
  >,
  fixturePath: string,
  now: () => Date,
  vault?: DemoVault,
  scenario?: DemoScenarioServices,
): Promise<DemoSeedSummary> {
  const demo = demoSchema.parse(JSON.parse(readFileSync(fixturePath, 'utf8')));
  const summary: DemoSeedSummary = { created: 0, membersWithData: 0, observations: 0, consents: 0, proposals: 0 };
  const at = now();
  // With the scenario, accounts are back-dated so that the members were in the cooperative before the past vote.
  const joinedAt = scenario ? new Date(at.getTime() - JOINED_DAYS_AGO * DAY) : undefined;
  const createdAt = () => joinedAt ?? now();

  let stewardId = await accounts.findIdByEmail(demo.steward.email);
  if (!stewardId) {
    stewardId = (await accounts.createSteward(demo.steward, createdAt())).id;
    summary.created++;
  }
  const members: { id: string; email: string; consent: 'aggregate' | 'pseudonymised' | 'none' }[] = [];
  const generated = scenario ? generateDemoMembers() : [];
  const everyone = [
    ...demo.members.map((member, index) => ({
      member,
      days: DEMO_HISTORY_DAYS,
      // Every fourth member measures blood glucose, so the demo shows a laboratory category too.
      glucose: index % 4 === 1,
      consent: NAMED_CONSENT[member.email] ?? 'aggregate',
    })),
    ...generated.map(({ consent, glucose, ...member }) => ({
      member,
      days: GENERATED_HISTORY_DAYS,
      glucose,
      consent,
    })),
  ];
  // Accounts one by one (password hashing is the cost), observations two at a time. Demo members are admitted
  // members (application, then the steward's admission with the bylaws' checks); applicants only apply.
  const rules = membershipRulesOf(currentBylaws);
  const admission = { identityMethod: rules.identityMethods[0]!, shareSubscribed: { ...rules.shareCapital } };
  for (const { member } of everyone) {
    if (!(await accounts.findIdByEmail(member.email))) {
      const { id } = await accounts.register({ ...member, role: 'member' }, createdAt());
      const admittedAt = createdAt();
      await accounts.applyForMembership(id, admittedAt);
      await accounts.admit(id, admission, rules, stewardId, admittedAt);
      summary.created++;
    }
  }
  for (const applicant of demo.applicants) {
    if (!(await accounts.findIdByEmail(applicant.email))) {
      const { id } = await accounts.register({ ...applicant, role: 'member' }, now());
      await accounts.applyForMembership(id, now());
      summary.created++;
    }
  }
  const pending = [...everyone];
  const worker = async () => {
    for (let next = pending.shift(); next; next = pending.shift()) {
      const id = (await accounts.findIdByEmail(next.member.email))!;
      members.push({ id, email: next.member.email, consent: next.consent });
      if (vault && (await vault.isEmpty(id))) {
        const to = now();
        const from = new Date(to.getTime() - next.days * DAY);
        const observations = generateObservations({ seed: next.member.email, glucose: next.glucose }, { from, to });
        await vault.storeObservations(id, observations);
        summary.membersWithData++;
        summary.observations += observations.length;
      }
    }
  };
  await Promise.all([worker(), worker()]);

  let researcherId: string | null = null;
  for (const { verified, nonProfit, ...researcher } of demo.researchers) {
    const existing = await accounts.findIdByEmail(researcher.email);
    if (existing) {
      if (verified) researcherId ??= existing;
      continue;
    }
    const account = await accounts.register({ ...researcher, role: 'researcher' }, createdAt());
    if (verified) {
      await accounts.verifyResearcher(
        account.id,
        {
          organisation: researcher.organisation,
          nonProfit,
          evidence: { method: 'other', note: 'Demo cooperative: a generated researcher, nobody was checked.' },
        },
        stewardId,
        createdAt(),
      );
      researcherId ??= account.id;
    }
    summary.created++;
  }

  if (scenario && vault && researcherId) {
    const byEmail = new Map(members.map((m) => [m.email, m]));
    const ordered = everyone.map(({ member }) => byEmail.get(member.email)!);
    await playScenario(scenario, at, stewardId, researcherId, ordered, summary);
  }
  return summary;
}

/**
 * On the open vote: one member (who has not voted) names another as proxy, who votes for them; and a short
 * discussion, a question from a member answered by the steward. Through the assembly's interface, like any request.
 */
async function playProxyAndDiscussion(
  assembly: DemoScenarioServices['assembly'],
  id: string,
  stewardId: string,
  members: readonly { id: string; email: string }[],
  voted: number,
  at: Date,
): Promise<void> {
  const later = (minutes: number) => new Date(at.getTime() + minutes * 60_000);
  // Members after the voters (and not Anna, who is the demo's own voter) have not voted on this proposal.
  const free = members.filter((m) => m.email !== 'anna@demo.datacoop.ch').slice(voted + 1);
  const [principal, proxy, asker] = free;
  if (principal && proxy) {
    await assembly.nameProxy(id, principal.id, proxy.id, later(0));
    await assembly.castProxyBallot(id, proxy.id, 'yes', randomBytes(32).toString('hex'), later(5));
  }
  if (asker) {
    const question = await assembly.post(
      id,
      { userId: asker.id, role: 'member' },
      { text: 'Are weekend naps counted as sleep, or only the night?' },
      later(10),
    );
    await assembly.post(
      id,
      { userId: stewardId, role: 'steward' },
      { text: 'Every sleep period your device records counts, naps included.', parentId: question._id },
      later(40),
    );
  }
}

/** The consent body of a level for heart rate and sleep (none: an explicit empty consent). */
function consentBody(level: 'aggregate' | 'pseudonymised' | 'none', categories = ['heart-rate', 'sleep-duration']) {
  return { categories: level === 'none' ? {} : Object.fromEntries(categories.map((c) => [c, level])) };
}

async function playScenario(
  { assembly, research }: DemoScenarioServices,
  now: Date,
  stewardId: string,
  researcherId: string,
  members: { id: string; email: string; consent: 'aggregate' | 'pseudonymised' | 'none' }[],
  summary: DemoSeedSummary,
): Promise<void> {
  const ago = (days: number, hours = 0) => new Date(now.getTime() - days * DAY + hours * HOUR);
  // Consent: recorded 30 days ago by every member who has none yet; Anna adds sleep 5 days ago (a history).
  for (const member of members) {
    if ((await research.consentOf(member.id, now)).version > 0) continue;
    const anna = member.email === 'anna@demo.datacoop.ch';
    await research.changeConsent(
      member.id,
      anna ? consentBody('aggregate', ['heart-rate']) : consentBody(member.consent),
      ago(30),
    );
    summary.consents++;
    if (anna) {
      await research.changeConsent(member.id, consentBody('aggregate'), ago(5));
      summary.consents++;
    }
  }

  // The proposals exist once: the demo researcher's requests are the marker.
  const researcher: Actor = {
    userId: researcherId,
    sessionId: 'demo-seed',
    role: 'researcher',
    researcherVerified: true,
  };
  const titles = new Set((await research.listRequests(researcher, now)).map((r) => r.document.request.title));
  const request = (title: string, purpose: string, categories: string[]): ResearchRequestInput => ({
    title,
    purpose,
    duo: { permission: 'HMB', modifiers: ['NPUNCU'] },
    categories,
    level: 'aggregate',
    statistics: ['count', 'mean', 'quantiles'],
    groupBy: ['sex', 'ageBand'],
    period: { from: ago(365).toISOString(), to: ago(-365).toISOString() },
    validUntil: ago(-365).toISOString(),
    epsilon: 1,
  });
  const vote = async (
    proposalId: string,
    voters: typeof members,
    choiceOf: (i: number) => 'yes' | 'no' | 'abstain',
    from: Date,
  ) => {
    for (const [i, voter] of voters.entries()) {
      try {
        await assembly.castBallot(
          proposalId,
          { userId: voter.id },
          choiceOf(i),
          randomBytes(32).toString('hex'),
          new Date(from.getTime() + i * 3 * HOUR),
        );
      } catch (error) {
        // A member of an older demo database may have joined after the opening: not in this electorate.
        if (!(error instanceof AppError)) throw error;
      }
    }
  };

  if (!titles.has(APPROVED_STUDY_TITLE)) {
    // Filed 12 days ago, proposed 11, open from 10 days ago until 2 days ago; 14 members vote, 11 yes.
    const filed = await research.fileRequest(
      researcher,
      request(
        APPROVED_STUDY_TITLE,
        'How resting heart rate and sleep duration vary with age and sex among cooperative members.',
        ['heart-rate', 'sleep-duration'],
      ),
      ago(12),
    );
    const { proposal } = await research.proposeRequest(filed._id, stewardId, ago(11));
    const id = proposal.proposal._id;
    await assembly.open(id, ago(2), stewardId, ago(10));
    await vote(id, members.slice(0, 14), (i) => (i < 11 ? 'yes' : i < 13 ? 'no' : 'abstain'), ago(9));
    summary.proposals++;
  }
  if (!titles.has(OPEN_STUDY_TITLE)) {
    // Open since yesterday for eleven days; six members (not Anna) have voted.
    const filed = await research.fileRequest(
      researcher,
      request(OPEN_STUDY_TITLE, 'Whether members sleep longer and walk more at weekends than on weekdays.', [
        'sleep-duration',
        'steps',
      ]),
      ago(3),
    );
    const { proposal } = await research.proposeRequest(filed._id, stewardId, ago(2));
    const id = proposal.proposal._id;
    await assembly.open(id, ago(-10), stewardId, ago(1));
    const voters = members.filter((m) => m.email !== 'anna@demo.datacoop.ch').slice(0, 6);
    await vote(id, voters, (i) => (i === 4 ? 'no' : 'yes'), ago(1, 1));
    await playProxyAndDiscussion(assembly, id, stewardId, members, voters.length, ago(1, 20));
    summary.proposals++;
  }
  if (!titles.has(ANNOUNCED_STUDY_TITLE)) {
    // Filed two days ago and announced for discussion yesterday: members read and discuss it before any vote.
    const filed = await research.fileRequest(
      researcher,
      request(ANNOUNCED_STUDY_TITLE, 'Whether members who walk more have a lower resting heart rate, by age.', [
        'steps',
        'heart-rate',
      ]),
      ago(2),
    );
    const { proposal } = await research.proposeRequest(filed._id, stewardId, ago(1, 2));
    const id = proposal.proposal._id;
    await assembly.announce(id, stewardId, ago(1, 3));
    const anna = members.find((m) => m.email === 'anna@demo.datacoop.ch');
    if (anna) {
      await assembly.post(
        id,
        { userId: anna.id, role: 'member' },
        { text: 'Will the results show anything about a single person?' },
        ago(1, 4),
      );
    }
    summary.proposals++;
  }
  // Reading the policies finalises the past vote, so the approved policy is active from the first request on.
  await research.listPolicies(now, 'active');
}
