// Migration 6: accounts without a language get English, accounts with one keep it; running it again, or resuming
// from a saved progress, ends in the same state.
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../../../services/db/connection.js';
import { accountLocale } from '../../../../services/db/migrations/0006-account-locale.js';
import type { MigrationContext } from '../../../../services/db/migrations/index.js';
import { testDatabaseUri } from '../../../helpers/test-app.js';

let connection: Connection;

function contextFor(progress?: unknown): MigrationContext {
  return { db: connection.db!, log: () => {}, progress, saveProgress: async () => {} } as unknown as MigrationContext;
}

beforeAll(async () => {
  const { uri, dbName } = testDatabaseUri();
  connection = await connectDatabase(uri, { dbName, embedded: !process.env.MONGODB_URI });
  await connection.db!.collection('users').insertMany([
    { _id: 'a' as never, role: 'member' },
    { _id: 'b' as never, role: 'researcher', locale: 'fr' },
    { _id: 'c' as never, role: 'steward' },
  ]);
});
afterAll(async () => {
  await connection?.dropDatabase().catch(() => {});
  await connection?.close();
});

const locales = async () =>
  (await connection.db!.collection('users').find({}).sort({ _id: 1 }).toArray()).map((u) => [u._id, u.locale]);

describe('migration 0006 account-locale', () => {
  it('gives English to accounts without a language and keeps the others', async () => {
    await accountLocale.up(contextFor());
    expect(await locales()).toEqual([
      ['a', 'en'],
      ['b', 'fr'],
      ['c', 'en'],
    ]);
  });

  it('ends in the same state when run again or resumed', async () => {
    await accountLocale.up(contextFor({ after: 'a' }));
    await accountLocale.up(contextFor());
    expect(await locales()).toEqual([
      ['a', 'en'],
      ['b', 'fr'],
      ['c', 'en'],
    ]);
  });
});
