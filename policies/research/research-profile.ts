// The optional research profile a member may give: the only dimensions research results can be grouped by.

/** Coarse regions: the seven Swiss major regions (NUTS 2) and one bucket for everywhere else. */
export const regions = {
  CH01: 'Lake Geneva region',
  CH02: 'Espace Mittelland',
  CH03: 'Northwestern Switzerland',
  CH04: 'Zurich',
  CH05: 'Eastern Switzerland',
  CH06: 'Central Switzerland',
  CH07: 'Ticino',
  other: 'Outside Switzerland',
} as const;

export type Region = keyof typeof regions;

/** Sex as recorded for research grouping; `unspecified` is always allowed. */
export const sexes = ['female', 'male', 'other', 'unspecified'] as const;
export type Sex = (typeof sexes)[number];

/** Oldest age we accept as plausible for a birth year. */
export const MAX_AGE_YEARS = 120;

/** True when `birthYear` is a plausible year of birth at `now` (not in the future, not over 120 years ago). */
export function isPlausibleBirthYear(birthYear: number, now: Date): boolean {
  const year = now.getUTCFullYear();
  return Number.isInteger(birthYear) && birthYear <= year && birthYear >= year - MAX_AGE_YEARS;
}
