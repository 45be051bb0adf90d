import bylawsJson from './bylaws.json' with { type: 'json' };
import type { Fraction } from '../shared/fraction.js';

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

// Validates bylaws given as parsed JSON and returns a deep-frozen copy; throws InvalidBylawsError otherwise.
export function parseBylaws(json: unknown): Bylaws {
  const problems: string[] = [];
  const root = readObject(json, 'bylaws', problems, [
    'version',
    'adoptedAt',
    'proposalKinds',
    'privacy',
    'publication',
    'reminderLeadHours',
  ]);
  if (!root) throw new InvalidBylawsError(problems);

  const version = readInteger(root, 'version', 'version', problems, 1);
  const adoptedAt = readIsoInstant(root, 'adoptedAt', problems);
  const reminderLeadHours = readInteger(root, 'reminderLeadHours', 'reminderLeadHours', problems, 1);

  const kindsObject = readObject(root.proposalKinds, 'proposalKinds', problems, proposalKinds);
  const kinds: Partial<Record<ProposalKind, KindRules>> = {};
  if (kindsObject) {
    for (const kind of proposalKinds) {
      const rules = readKindRules(kindsObject[kind], `proposalKinds.${kind}`, problems);
      if (rules) kinds[kind] = rules;
    }
  }

  const privacyObject = readObject(root.privacy, 'privacy', problems, [
    'minCellSize',
    'defaultEpsilon',
    'maxEpsilonPerPolicy',
  ]);
  let privacy: PrivacyDefaults | undefined;
  if (privacyObject) {
    // A cell of one member is that member's own value: suppression must at least hide single people.
    const minCellSize = readInteger(privacyObject, 'minCellSize', 'privacy.minCellSize', problems, 2);
    const defaultEpsilon = readPositiveNumber(privacyObject, 'defaultEpsilon', 'privacy.defaultEpsilon', problems);
    const maxEpsilon = readPositiveNumber(
      privacyObject,
      'maxEpsilonPerPolicy',
      'privacy.maxEpsilonPerPolicy',
      problems,
    );
    if (defaultEpsilon !== undefined && maxEpsilon !== undefined && defaultEpsilon > maxEpsilon) {
      problems.push('privacy.defaultEpsilon must not exceed privacy.maxEpsilonPerPolicy');
    }
    if (minCellSize !== undefined && defaultEpsilon !== undefined && maxEpsilon !== undefined) {
      privacy = { minCellSize, defaultEpsilon, maxEpsilonPerPolicy: maxEpsilon };
    }
  }

  const publicationObject = readObject(root.publication, 'publication', problems, ['participationListMinVoters']);
  let publication: PublicationRules | undefined;
  if (publicationObject) {
    const minVoters = readInteger(
      publicationObject,
      'participationListMinVoters',
      'publication.participationListMinVoters',
      problems,
      1,
    );
    if (minVoters !== undefined) publication = { participationListMinVoters: minVoters };
  }

  if (
    problems.length > 0 ||
    version === undefined ||
    adoptedAt === undefined ||
    reminderLeadHours === undefined ||
    privacy === undefined ||
    publication === undefined
  ) {
    throw new InvalidBylawsError(problems);
  }
  return deepFreeze({
    version,
    adoptedAt,
    // Every kind was read without a problem, so the record is complete.
    proposalKinds: kinds as Record<ProposalKind, KindRules>,
    privacy,
    publication,
    reminderLeadHours,
  });
}

// Reminder lead time for a kind: its own override, else the bylaws-wide value.
export function reminderLeadHoursFor(bylaws: Bylaws, kind: ProposalKind): number {
  return bylaws.proposalKinds[kind].reminderLeadHours ?? bylaws.reminderLeadHours;
}

// The founding bylaws shipped with the code; later versions come from approved amendments the service stores.
export const currentBylaws: Bylaws = parseBylaws(bylawsJson);

function readKindRules(value: unknown, path: string, problems: string[]): KindRules | undefined {
  const object = readObject(value, path, problems, [
    'quorum',
    'threshold',
    'thresholdBase',
    'votingWindow',
    'ballotMode',
    'reminderLeadHours',
  ]);
  if (!object) return undefined;
  const before = problems.length;

  // A quorum of 0 is allowed (no quorum); above 1 it could never be met.
  const quorum = readFraction(object.quorum, `${path}.quorum`, problems);
  if (quorum && quorum.num > quorum.den) problems.push(`${path}.quorum must not exceed 1`);

  // Below 1/2 a measure with more no than yes could pass, and one extra yes could turn approval into a tie;
  // at 1 it could never pass, since yes must strictly exceed the threshold share.
  const threshold = readFraction(object.threshold, `${path}.threshold`, problems);
  if (threshold && (threshold.num * 2 < threshold.den || threshold.num >= threshold.den)) {
    problems.push(`${path}.threshold must be at least 1/2 and less than 1`);
  }

  const thresholdBase = readEnum(object, 'thresholdBase', `${path}.thresholdBase`, thresholdBases, problems);
  const ballotMode =
    object.ballotMode === undefined
      ? 'secret'
      : readEnum(object, 'ballotMode', `${path}.ballotMode`, ballotModes, problems);

  const windowObject = readObject(object.votingWindow, `${path}.votingWindow`, problems, ['minHours', 'maxHours']);
  let votingWindow: VotingWindow | undefined;
  if (windowObject) {
    const minHours = readInteger(windowObject, 'minHours', `${path}.votingWindow.minHours`, problems, 1);
    const maxHours = readInteger(windowObject, 'maxHours', `${path}.votingWindow.maxHours`, problems, 1);
    if (minHours !== undefined && maxHours !== undefined) {
      if (minHours > maxHours) problems.push(`${path}.votingWindow.minHours must not exceed maxHours`);
      votingWindow = { minHours, maxHours };
    }
  }

  const reminderLeadHours =
    object.reminderLeadHours === undefined
      ? undefined
      : readInteger(object, 'reminderLeadHours', `${path}.reminderLeadHours`, problems, 1);

  if (problems.length > before || !quorum || !threshold || !thresholdBase || !votingWindow || !ballotMode) {
    return undefined;
  }
  const rules: KindRules = { quorum, threshold, thresholdBase, votingWindow, ballotMode };
  return reminderLeadHours === undefined ? rules : { ...rules, reminderLeadHours };
}

function readObject(
  value: unknown,
  path: string,
  problems: string[],
  knownKeys: readonly string[],
): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(value === undefined ? `${path} is missing` : `${path} must be an object`);
    return undefined;
  }
  const object = value as Record<string, unknown>;
  // Unknown keys are refused so that a misspelt rule ("quorom") never silently falls back to nothing.
  for (const key of Object.keys(object)) {
    if (!knownKeys.includes(key)) problems.push(`${path}.${key} is not a known field`);
  }
  return object;
}

function readInteger(
  object: Record<string, unknown>,
  key: string,
  path: string,
  problems: string[],
  min: number,
): number | undefined {
  const value = object[key];
  if (value === undefined) {
    problems.push(`${path} is missing`);
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    problems.push(`${path} must be an integer ≥ ${min}`);
    return undefined;
  }
  return value;
}

function readPositiveNumber(
  object: Record<string, unknown>,
  key: string,
  path: string,
  problems: string[],
): number | undefined {
  const value = object[key];
  if (value === undefined) {
    problems.push(`${path} is missing`);
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    problems.push(`${path} must be a positive number`);
    return undefined;
  }
  return value;
}

function readEnum<T extends string>(
  object: Record<string, unknown>,
  key: string,
  path: string,
  allowed: readonly T[],
  problems: string[],
): T | undefined {
  const value = object[key];
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  problems.push(value === undefined ? `${path} is missing` : `${path} must be one of ${allowed.join(', ')}`);
  return undefined;
}

function readFraction(value: unknown, path: string, problems: string[]): Fraction | undefined {
  const object = readObject(value, path, problems, ['num', 'den']);
  if (!object) return undefined;
  const num = readInteger(object, 'num', `${path}.num`, problems, 0);
  const den = readInteger(object, 'den', `${path}.den`, problems, 1);
  return num === undefined || den === undefined ? undefined : { num, den };
}

function readIsoInstant(object: Record<string, unknown>, key: string, problems: string[]): string | undefined {
  const value = object[key];
  // Only the exact toISOString form is accepted: a date without a zone would be read in local time.
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value)) || new Date(value).toISOString() !== value) {
    problems.push(`${key} must be an ISO 8601 UTC instant like 2025-01-01T00:00:00.000Z`);
    return undefined;
  }
  return value;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
