// Migration 3 (0006 at merge): the daily cohort-insight records go, the budgeted per-period ones stay; idempotent.
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../../../services/db/connection.js';
import { budgetedInsights } from '../../../../services/db/migrations/0003-budgeted-insights.js';
import type { MigrationContext } from '../../../../services/db/migrations/index.js';
import { testDatabaseUri } from '../../../helpers/test-app.js';

let connection: Connection;
const context = () =>
  ({ db: connection.db!, log: () => {}, progress: undefined, saveProgress: async () => {} }) as MigrationContext;

beforeAll(async () => {
  const { uri, dbName } = testDatabaseUri();
  connection = await connectDatabase(uri, { dbName, embedded: !process.env.MONGODB_URI });
  await connection.db!.collection('cohort_insights').insertMany([
    { _id: 'heart-rate:2026-11-30' as never, computedAt: new Date(), suppressed: true, components: [] },
    { _id: 'heart-rate:2026-12' as never, category: 'heart-rate', periodId: '2026-12', fresh: true },
  ]);
});
afterAll(async () => {
  await connection?.dropDatabase().catch(() => {});
  await connection?.close();
});

describe('migration 0003 budgeted-insights', () => {
  it('deletes the daily records only, and running it again changes nothing', async () => {
    for (let run = 0; run < 2; run += 1) {
      await budgetedInsights.up(context());
      const ids = (await connection.db!.collection('cohort_insights').find({}).toArray()).map((r) => r._id);
      expect(ids).toEqual(['heart-rate:2026-12']);
    }
  });
});
