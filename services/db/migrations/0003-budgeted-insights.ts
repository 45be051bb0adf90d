// 0003 (0006 at merge): cohort insights are released per period under a yearly ε budget (issue 18). The records of
// the former daily releases (`<category>:<YYYY-MM-DD>`, released outside any budget, without category, period or
// ε) are in a format the code no longer reads: they are deleted. Nothing else is touched; idempotent.
import type { Migration } from './migration.js';

/** A 0.1.0–0.2.x insight record as this migration reads it (self-contained: never the current model). */
interface DailyInsightRecord {
  _id: string;
  category?: string;
}

export const budgetedInsights: Migration = {
  version: 3,
  name: 'budgeted-insights',
  async up(ctx) {
    const records = ctx.db.collection<DailyInsightRecord>('cohort_insights');
    // A daily record is the only kind without a `category` field; the new records always carry one.
    const { deletedCount } = await records.deleteMany({ category: { $exists: false } });
    ctx.log(`Deleted ${deletedCount} daily cohort-insight record(s) released before the yearly budget.`);
  },
};
