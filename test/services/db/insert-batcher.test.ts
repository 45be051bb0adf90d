// Group commit of unique inserts against the real database: every insert decided once, errors reach every caller.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'mongoose';
import { InsertBatcher } from '../../../services/db/insert-batcher.js';
import { connectTestDatabase } from '../../helpers/test-app.js';

let db: Awaited<ReturnType<typeof connectTestDatabase>>;
let connection: Connection;

beforeAll(async () => {
  db = await connectTestDatabase();
  connection = db.connection;
});
afterAll(() => db.dropAndClose());

describe('InsertBatcher', () => {
  it('inserts each _id exactly once under concurrency, duplicates within one batch included', async () => {
    const collection = connection.collection('batched');
    await collection.insertOne({ _id: 'taken-0' as never });
    const batcher = new InsertBatcher(collection, { maxBatch: 64 });
    // 300 distinct ids, each offered 3 times at once, plus one id that exists already.
    const ids = Array.from({ length: 300 }, (_, i) => `id-${i}`);
    const offers = [...ids, ...ids, ...ids, 'taken-0'].map((id, n) => ({ id, n }));
    const results = await Promise.all(offers.map(({ id, n }) => batcher.insert({ _id: id, n })));

    const winners = new Map<string, number>();
    offers.forEach(({ id }, i) => {
      if (results[i]) winners.set(id, (winners.get(id) ?? 0) + 1);
    });
    expect(winners.size).toBe(300);
    expect([...winners.values()].every((count) => count === 1)).toBe(true);
    expect(winners.has('taken-0')).toBe(false);
    expect(await collection.countDocuments()).toBe(301);
  });

  it('does not change the documents it is given', async () => {
    const batcher = new InsertBatcher(connection.collection('untouched'));
    const document = { value: 1 };
    expect(await batcher.insert(document)).toBe(true);
    expect(document).toEqual({ value: 1 });
  });

  it('rejects every caller of a batch the database refuses as a whole', async () => {
    const own = await connectTestDatabase();
    const batcher = new InsertBatcher(own.connection.collection('closed'));
    await own.dropAndClose();
    const results = await Promise.allSettled([batcher.insert({ _id: 'a' }), batcher.insert({ _id: 'b' })]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
