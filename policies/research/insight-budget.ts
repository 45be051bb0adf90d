// The standing rule for cohort insights (issue 18): each category's comparison is released once per period and
// pays ε from a yearly budget per category, both voted in the bylaws (`privacy.insights`). Pure: time is passed in.
import { MICRO_PER_EPSILON } from './access-policy.js';

export type InsightPeriod = 'month' | 'quarter' | 'year';

/** The bylaws' `privacy.insights` section. */
export interface InsightRule {
  /** The most ε the comparisons of one category may use in one calendar year (UTC), all releases together. */
  readonly epsilonPerYear: number;
  /** How often a category's comparison is released afresh: once per calendar month, quarter or year (UTC). */
  readonly period: InsightPeriod;
}

/**
 * The rule while the bylaws set none (the founding bylaws do not): ε 1 per category and year, a release per
 * month (ε 1/12 ≈ 0.083 each). Conservative: a member's comparison data composes to at most ε 1 a year per
 * category, instead of the ~365 ε of the former daily release.
 */
export const DEFAULT_INSIGHT_RULE: InsightRule = Object.freeze({ epsilonPerYear: 1, period: 'month' });

const PERIODS_PER_YEAR: Record<InsightPeriod, number> = { month: 12, quarter: 4, year: 1 };

/** The rule in force: the bylaws' own, or the documented default when they set none. */
export function insightRuleOf(privacy: { readonly insights?: InsightRule | undefined }): InsightRule {
  return privacy.insights ?? DEFAULT_INSIGHT_RULE;
}

/** The period `now` falls in: its id (`2026-12`, `2026-Q4`, `2026`) and the budget year it pays from. */
export function insightPeriodOf(now: Date, period: InsightPeriod): { id: string; year: number } {
  const year = now.getUTCFullYear();
  if (period === 'year') return { id: `${year}`, year };
  if (period === 'quarter') return { id: `${year}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`, year };
  return { id: now.toISOString().slice(0, 7), year };
}

/** The yearly budget of one category, in micro-ε. */
export function insightBudgetMicro(rule: InsightRule): number {
  return Math.floor(rule.epsilonPerYear * MICRO_PER_EPSILON);
}

/** What one release costs: the year's budget shared evenly by the year's periods, so every period can release. */
export function insightReleaseCostMicro(rule: InsightRule): number {
  return Math.floor(insightBudgetMicro(rule) / PERIODS_PER_YEAR[rule.period]);
}
