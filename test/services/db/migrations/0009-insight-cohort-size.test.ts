// Migration 9: every component of an earlier cohort-insight record gets `count: null` (not recorded), a record that
// has its counts keeps them, nothing else changes; running it again, or resuming from a saved progress, ends in the
// same state.
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../../../services/db/connection.js';
import { insightCohortSize } from '../../../../services/db/migrations/0009-insight-cohort-size.js';
import type { MigrationContext } from '../../../../services/db/migrations/index.js';
import { testDatabaseUri } from '../../../helpers/test-app.js';

let connection: Connection;
const bands = [{ level: 0.5, value: 62 }];

function contextFor(progress?: unknown): MigrationContext {
  return { db: connection.db!, log: () => {}, progress, saveProgress: async () => {} } as unknown as MigrationContext;
}

beforeAll(async () => {
  const { uri, dbName } = testDatabaseUri();
  connection = await connectDatabase(uri, { dbName, embedded: !process.env.MONGODB_URI });
  await connection.db!.collection('cohort_insights').insertMany([
    {
      _id: 'blood-pressure:2026-11' as never,
      category: 'blood-pressure',
      suppressed: false,
      epsilonMicro: 83_333,
      components: [
        { component: 'systolic', quantiles: bands },
        { component: 'diastolic', quantiles: bands },
      ],
    },
    { _id: 'heart-rate:2026-11' as never, category: 'heart-rate', suppressed: true, components: [] },
    {
      _id: 'heart-rate:2026-12' as never,
      category: 'heart-rate',
      suppressed: false,
      components: [{ component: null, quantiles: bands, count: 42 }],
    },
  ]);
});
afterAll(async () => {
  await connection?.dropDatabase().catch(() => {});
  await connection?.close();
});

const records = async () => connection.db!.collection('cohort_insights').find({}).sort({ _id: 1 }).toArray();

const expected = [
  {
    _id: 'blood-pressure:2026-11',
    category: 'blood-pressure',
    suppressed: false,
    epsilonMicro: 83_333,
    components: [
      { component: 'systolic', quantiles: bands, count: null },
      { component: 'diastolic', quantiles: bands, count: null },
    ],
  },
  { _id: 'heart-rate:2026-11', category: 'heart-rate', suppressed: true, components: [] },
  {
    _id: 'heart-rate:2026-12',
    category: 'heart-rate',
    suppressed: false,
    components: [{ component: null, quantiles: bands, count: 42 }],
  },
];

describe('migration 0009 insight-cohort-size', () => {
  it('marks the count of earlier records as not recorded and keeps a recorded one', async () => {
    await insightCohortSize.up(contextFor());
    expect(await records()).toEqual(expected);
  });

  it('ends in the same state when run again or resumed', async () => {
    await insightCohortSize.up(contextFor({ after: 'blood-pressure:2026-11' }));
    await insightCohortSize.up(contextFor());
    expect(await records()).toEqual(expected);
  });
});
