// Migration 4 on a database from before proxies: it creates the new collections and their indexes, leaves existing
// register and ballot-box entries as they are (they are members' own ballots), and may run again.
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../../../services/db/connection.js';
import { proxiesAndDiscussion } from '../../../../services/db/migrations/0004-proxies-and-discussion.js';
import type { MigrationContext } from '../../../../services/db/migrations/index.js';
import { testDatabaseUri } from '../../../helpers/test-app.js';

let connection: Connection;

const context = (): MigrationContext =>
  ({ db: connection.db!, log: () => {}, progress: undefined, saveProgress: async () => {} }) as MigrationContext;

beforeAll(async () => {
  const { uri, dbName } = testDatabaseUri();
  connection = await connectDatabase(uri, { dbName, embedded: !process.env.MONGODB_URI });
  await connection.db!.collection('participation_register').insertOne({
    _id: 'p1:m1' as never,
    proposalId: 'p1',
    userId: 'm1',
    commitment: 'a'.repeat(64),
  });
  await connection
    .db!.collection('ballot_box')
    .insertOne({ _id: `p1:${'b'.repeat(64)}` as never, proposalId: 'p1', choice: 'yes' });
});
afterAll(async () => {
  await connection?.dropDatabase().catch(() => {});
  await connection?.close();
});

const everything = async () => ({
  register: await connection.db!.collection('participation_register').find({}).toArray(),
  box: await connection.db!.collection('ballot_box').find({}).toArray(),
});

describe('migration 0004 proxies-and-discussion', () => {
  it('creates the mandates, announcements and posts collections with their indexes and rewrites nothing, also when run twice', async () => {
    const before = await everything();
    await proxiesAndDiscussion.up(context());
    await proxiesAndDiscussion.up(context());
    const names = (await connection.db!.listCollections().toArray()).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['proxy_mandates', 'proposal_announcements', 'proposal_posts']));
    const mandateIndexes = await connection.db!.collection('proxy_mandates').indexes();
    expect(mandateIndexes.map((index) => index.key)).toContainEqual({ proposalId: 1 });
    const postIndexes = await connection.db!.collection('proposal_posts').indexes();
    expect(postIndexes.map((index) => index.key)).toContainEqual({ proposalId: 1, postedAt: 1 });
    expect(await everything()).toEqual(before);
  });
});
