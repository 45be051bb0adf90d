import bylawsJson from './bylaws.json' with { type: 'json' };
import { z } from 'zod';
import type { Fraction } from '../shared/fraction.js';
import { checkWith, type Problem } from '../shared/problem.js';
import foundingMembershipJson from '../members/membership-rules.json' with { type: 'json' };
import { membershipRulesSchema, type MembershipRules } from '../members/membership.js';

export type { Fraction } from '../shared/fraction.js';

export const proposalKinds = ['access-policy', 'revoke-policy', 'amend-bylaws'] as const;
export type ProposalKind = (typeof proposalKinds)[number];

// `decisive` = yes + no (abstentions count for quorum only); `cast` = yes + no + abstain.
export const thresholdBases = ['decisive', 'cast'] as const;
export type ThresholdBase = (typeof thresholdBases)[number];

export const ballotModes = ['secret', 'open'] as const;
export type BallotMode = (typeof ballotModes)[number];

export interface VotingWindow {
  readonly minHours: number;
  readonly maxHours: number;
}

export interface KindRules {
  /** Share of the electorate that must cast a ballot (abstentions included). */
  readonly quorum: Fraction;
  /** Share of the base that `yes` must strictly exceed. */
  readonly threshold: Fraction;
  readonly thresholdBase: ThresholdBase;
  readonly votingWindow: VotingWindow;
  readonly ballotMode: BallotMode;
  /** Overrides the bylaws-wide reminder lead time for this kind. */
  readonly reminderLeadHours?: number;
}

export interface PrivacyDefaults {
  readonly minCellSize: number;
  readonly defaultEpsilon: number;
  readonly maxEpsilonPerPolicy: number;
  /**
   * The most δ of (ε, δ)-differential privacy any release of one policy may use, voted like ε. Absent in the
   * founding bylaws, which means 0: every mechanism must be pure ε-DP (today's aggregates are: δ = 0).
   */
  readonly maxDeltaPerPolicy?: number;
  /**
   * The standing rule for members' cohort comparisons: ε per category and year, and how often they are released.
   * Absent in the founding bylaws, which means DEFAULT_INSIGHT_RULE (policies/research/insight-budget.ts):
   * ε 1 per category and year, released monthly.
   */
  readonly insights?: { readonly epsilonPerYear: number; readonly period: 'month' | 'quarter' | 'year' };
}

export interface PublicationRules {
  /** Below this many voters the participation register stays unpublished (a tiny list exposes choices). */
  readonly participationListMinVoters: number;
}

export interface Bylaws {
  readonly version: number;
  /** Canonical ISO 8601 UTC instant from which this version governs newly opened proposals. */
  readonly adoptedAt: string;
  readonly proposalKinds: { readonly [K in ProposalKind]: KindRules };
  readonly privacy: PrivacyDefaults;
  readonly publication: PublicationRules;
  readonly reminderLeadHours: number;
  /** Admission and its end; while no version has adopted this section, the founding membership rules apply. */
  readonly membership?: MembershipRules;
  /** Proxies and deliberation; absent, proxies are allowed (the statute) and no discussion period is required. */
  readonly assembly?: AssemblyRules;
}

/** How the general assembly works beyond counting (docs/assembly.md: proxies, deliberation). */
export interface AssemblyRules {
  /** Art. 886 CO: representation by another member; absent → allowed. */
  readonly proxies?: { readonly allowed: boolean };
  /** Hours a proposal must be announced for discussion before it may open; absent → none. */
  readonly minDiscussionHours?: number;
}

// Carries every problem found, so a steward fixing an amendment sees them all at once.
export class InvalidBylawsError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid bylaws:\n- ${problems.join('\n- ')}`);
    this.name = 'InvalidBylawsError';
    this.problems = problems;
  }
}

// Tells whether a value names one of the proposal kinds the bylaws govern.
export function isProposalKind(value: unknown): value is ProposalKind {
  return typeof value === 'string' && (proposalKinds as readonly string[]).includes(value);
}

const integerFrom = (min: number) => {
  const error = `must be an integer ≥ ${min}`;
  return z.number({ error }).int({ error }).min(min, { error });
};
const positiveNumber = z
  .number({ error: 'must be a positive number' })
  .positive({ error: 'must be a positive number' });
const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` });
// Unknown keys are refused so that a misspelt rule ("quorom") never silently falls back to nothing.
const section = <S extends z.core.$ZodLooseShape>(shape: S) => z.strictObject(shape, { error: 'must be an object' });
const fraction = section({ num: integerFrom(0), den: integerFrom(1) });
const onceValid = { when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0 };

const kindRulesSchema = section({
  // A quorum of 0 is allowed (no quorum); above 1 it could never be met.
  quorum: fraction.refine((q) => q.num <= q.den, { message: 'must not exceed 1', ...onceValid }),
  // Below 1/2 a measure with more no than yes could pass, and one extra yes could turn approval into a tie;
  // at 1 it could never pass, since yes must strictly exceed the threshold share.
  threshold: fraction.refine((t) => t.num * 2 >= t.den && t.num < t.den, {
    message: 'must be at least 1/2 and less than 1',
    ...onceValid,
  }),
  thresholdBase: oneOf(thresholdBases),
  votingWindow: section({ minHours: integerFrom(1), maxHours: integerFrom(1) }).refine(
    (w) => w.minHours <= w.maxHours,
    { message: 'minHours must not exceed maxHours', ...onceValid },
  ),
  ballotMode: oneOf(ballotModes).default('secret'),
  reminderLeadHours: integerFrom(1).optional(),
});

/** The bylaws' shape and every rule inside one version; amendments are checked by the same schema. */
export const bylawsSchema = section({
  version: integerFrom(1),
  adoptedAt: z
    .string({ error: 'must be an ISO 8601 UTC instant like 2025-01-01T00:00:00.000Z' })
    .refine((text) => !Number.isNaN(Date.parse(text)) && new Date(text).toISOString() === text, {
      message: 'must be an ISO 8601 UTC instant like 2025-01-01T00:00:00.000Z',
    }),
  proposalKinds: section(
    Object.fromEntries(proposalKinds.map((kind) => [kind, kindRulesSchema])) as Record<
      ProposalKind,
      typeof kindRulesSchema
    >,
  ),
  privacy: section({
    // A cell of one member is that member's own value: suppression must at least hide single people.
    minCellSize: integerFrom(2),
    defaultEpsilon: positiveNumber,
    maxEpsilonPerPolicy: positiveNumber,
    // δ is the chance the guarantee fails outright; above 1e-3 it would not protect a cohort of a thousand.
    maxDeltaPerPolicy: z
      .number({ error: 'must be a number from 0 to 0.001' })
      .min(0, { error: 'must be a number from 0 to 0.001' })
      .max(0.001, { error: 'must be a number from 0 to 0.001' })
      .optional(),
    insights: section({
      epsilonPerYear: positiveNumber,
      period: oneOf(['month', 'quarter', 'year'] as const),
    }).optional(),
  }).refine((p) => p.defaultEpsilon <= p.maxEpsilonPerPolicy, {
    path: ['defaultEpsilon'],
    message: 'must not exceed privacy.maxEpsilonPerPolicy',
    ...onceValid,
  }),
  publication: section({ participationListMinVoters: integerFrom(1) }),
  reminderLeadHours: integerFrom(1),
  membership: membershipRulesSchema.optional(),
  assembly: section({
    proxies: section({ allowed: z.boolean({ error: 'must be true or false' }) }).optional(),
    minDiscussionHours: integerFrom(0).optional(),
  }).optional(),
});

// A problem as one line a steward reads: the field, then what is wrong with it.
function describeProblem(problem: Problem): string {
  if (problem.field === '') return 'bylaws must be an object';
  if (problem.code === 'missing_field') return `${problem.field} is missing`;
  if (problem.code === 'unknown_field') return `${problem.field} is not a known field`;
  return `${problem.field} ${problem.message}`;
}

// Validates bylaws given as parsed JSON and returns a deep-frozen copy; throws InvalidBylawsError otherwise.
export function parseBylaws(json: unknown): Bylaws {
  const checked = checkWith(bylawsSchema, json);
  if (!checked.ok) {
    const root = checked.problems.find((p) => p.field === '');
    throw new InvalidBylawsError(root ? [describeProblem(root)] : checked.problems.map(describeProblem));
  }
  return deepFreeze(checked.value as Bylaws);
}

// The most δ a release under these bylaws may use (0 unless the assembly voted otherwise).
export function maxDeltaOf(bylaws: Bylaws): number {
  return bylaws.privacy.maxDeltaPerPolicy ?? 0;
}

// Reminder lead time for a kind: its own override, else the bylaws-wide value.
export function reminderLeadHoursFor(bylaws: Bylaws, kind: ProposalKind): number {
  return bylaws.proposalKinds[kind].reminderLeadHours ?? bylaws.reminderLeadHours;
}

// The founding bylaws shipped with the code; later versions come from approved amendments the service stores.
export const currentBylaws: Bylaws = parseBylaws(bylawsJson);

// The membership rules that applied before any bylaws version had a `membership` section. Version 1 is not
// rewritten to carry them: every proposal opened under it froze its digest, which must keep matching.
export const foundingMembershipRules: MembershipRules = deepFreeze(membershipRulesSchema.parse(foundingMembershipJson));

// The membership rules of a bylaws version: its own `membership` section, else the founding membership rules.
export function membershipRulesOf(bylaws: Bylaws): MembershipRules {
  return bylaws.membership ?? foundingMembershipRules;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
