// 0009: a cohort insight now keeps, per component, the noisy member count its release was decided on, so that the
// dashboard can say who a member is compared with (issue 14). Records released before did not keep it and it cannot
// be recovered without spending ε again: each of their components gets `count: null` ("not recorded"), so every
// record has one shape. Nothing else is touched; idempotent and resumable (walks `_id` order, progress saved).
import type { Migration } from './migration.js';

/** A 0.3.x insight record as this migration reads it (self-contained: never the current model). */
interface InsightBefore {
  _id: string;
  components?: { component: string | null; quantiles: unknown; count?: number | null }[];
}

export const insightCohortSize: Migration = {
  version: 9,
  name: 'insight-cohort-size',
  async up(ctx) {
    const records = ctx.db.collection<InsightBefore>('cohort_insights');
    let after = (ctx.progress as { after?: string } | undefined)?.after ?? '';
    let converted = 0;
    for (;;) {
      const batch = await records
        .find({ _id: { $gt: after } }, { projection: { components: 1 } })
        .sort({ _id: 1 })
        .limit(500)
        .toArray();
      if (batch.length === 0) break;
      for (const record of batch) {
        const components = record.components ?? [];
        if (components.every((c) => c.count !== undefined)) continue; // converted before a crash, or new
        const withCount = components.map((c) => ({ ...c, count: c.count ?? null }));
        await records.updateOne({ _id: record._id }, { $set: { components: withCount } });
        converted += 1;
      }
      after = batch.at(-1)!._id;
      await ctx.saveProgress({ after });
    }
    ctx.log(`Marked the cohort size of ${converted} earlier cohort-insight record(s) as not recorded.`);
  },
};
