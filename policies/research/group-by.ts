// The dimensions research results may be grouped by, built only from the optional research profile.
// Every dimension has a fixed, data-independent list of values (with a bucket for "not given"), so that
// every member falls in exactly one cell and the grid of cells never depends on who is in the data.
import { type Instant, toEpochMs } from '../shared/instant.js';
import { regions, sexes } from './research-profile.js';

export const groupByDimensions = ['ageBand', 'sex', 'region'] as const;
export type GroupByDimension = (typeof groupByDimensions)[number];

/**
 * Ten-year age bands, with everyone under 30 and everyone 80 or over pooled (few members, easy to single out).
 * The age is the calendar year of the query minus the birth year: the profile holds no birth date, so a
 * member may be counted one year older than they are, never in a band that depends on their birthday.
 */
export const ageBands = ['0-29', '30-39', '40-49', '50-59', '60-69', '70-79', '80+', 'unknown'] as const;
export type AgeBand = (typeof ageBands)[number];

export const regionGroups = [...(Object.keys(regions) as (keyof typeof regions)[]), 'unknown'] as const;
export type RegionGroup = (typeof regionGroups)[number];

export type SexGroup = (typeof sexes)[number];

/** What the service knows of a member's research profile; every field is optional. */
export interface ResearchProfile {
  readonly birthYear?: number | null;
  readonly sex?: string | null;
  readonly region?: string | null;
}

export type GroupValues = { readonly [D in GroupByDimension]: string };

const DOMAINS: { readonly [D in GroupByDimension]: readonly string[] } = {
  ageBand: ageBands,
  sex: sexes,
  region: regionGroups,
};

// Tells whether a value names a group-by dimension.
export function isGroupByDimension(value: unknown): value is GroupByDimension {
  return typeof value === 'string' && (groupByDimensions as readonly string[]).includes(value);
}

// The fixed list of values a dimension can take, in display order.
export function dimensionValues(dimension: GroupByDimension): readonly string[] {
  return DOMAINS[dimension];
}

// The age band of a birth year at the instant of the query (see ageBands for the rounding).
export function ageBandAt(birthYear: number | null | undefined, at: Instant): AgeBand {
  const year = new Date(toEpochMs(at, 'at')).getUTCFullYear();
  if (typeof birthYear !== 'number' || !Number.isInteger(birthYear) || birthYear > year || year - birthYear > 120) {
    return 'unknown';
  }
  const age = year - birthYear;
  if (age < 30) return '0-29';
  if (age >= 80) return '80+';
  const decade = Math.floor(age / 10) * 10;
  return `${decade}-${decade + 9}` as AgeBand;
}

// The cell values of a member on every dimension at `at`; anything missing or unknown goes to its bucket.
export function groupValuesOf(profile: ResearchProfile, at: Instant): GroupValues {
  const sex = typeof profile.sex === 'string' && (sexes as readonly string[]).includes(profile.sex);
  const region = typeof profile.region === 'string' && Object.hasOwn(regions, profile.region);
  return {
    ageBand: ageBandAt(profile.birthYear, at),
    sex: sex ? (profile.sex as string) : 'unspecified',
    region: region ? (profile.region as string) : 'unknown',
  };
}
