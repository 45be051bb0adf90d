// Proves that mongoose 9 (driver 7) works against the embedded FerretDB for everything the service relies on.
import { Schema } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, isDuplicateKey, toBuffer } from '../../../services/db/connection.js';
import { connectTestDatabase } from '../../helpers/test-app.js';
import type { Connection } from 'mongoose';

let connection: Connection;
let dropAndClose: () => Promise<void>;
beforeAll(async () => {
  ({ connection, dropAndClose } = await connectTestDatabase());
});
afterAll(() => dropAndClose());

describe('database compatibility (smoke)', () => {
  const thingSchema = new Schema(
    { _id: String, key: String, group: String, n: Number, blob: Buffer },
    { collection: 'things', versionKey: false },
  );
  thingSchema.index({ key: 1 }, { unique: true });

  it('creates a unique index, inserts, finds, updates conditionally and aggregates', async () => {
    const Thing = connection.model('Thing', thingSchema);
    await Thing.createIndexes();
    await Thing.create([
      { _id: 'a', key: 'k1', group: 'g', n: 2, blob: Buffer.from([1, 2, 3]) },
      { _id: 'b', key: 'k2', group: 'g', n: 5 },
      { _id: 'c', key: 'k3', group: 'h', n: 7 },
    ]);
    const duplicate = await Thing.create({ _id: 'd', key: 'k1' }).catch((e: unknown) => e);
    expect(isDuplicateKey(duplicate)).toBe(true);

    const found = await Thing.findById('a').lean();
    expect(toBuffer(found!.blob)).toEqual(Buffer.from([1, 2, 3]));

    const won = await Thing.findOneAndUpdate(
      { _id: 'a', n: 2 },
      { $set: { n: 3 } },
      { returnDocument: 'after' },
    ).lean();
    const lost = await Thing.findOneAndUpdate(
      { _id: 'a', n: 2 },
      { $set: { n: 4 } },
      { returnDocument: 'after' },
    ).lean();
    expect(won!.n).toBe(3);
    expect(lost).toBeNull();

    const upserted = await Thing.findOneAndUpdate(
      { _id: 'counter' },
      { $inc: { n: 1 }, $setOnInsert: { key: 'counter' } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    expect(upserted!.n).toBe(1);

    const sums = await Thing.aggregate([
      { $match: { group: 'g' } },
      { $group: { _id: '$group', total: { $sum: '$n' } } },
    ]);
    expect(sums).toEqual([{ _id: 'g', total: 8 }]);
    const counts = await Thing.aggregate([
      { $match: { group: { $in: ['g', 'h'] } } },
      { $group: { _id: '$group', count: { $sum: 1 } } },
    ]);
    expect(counts.sort((x, y) => x._id.localeCompare(y._id))).toEqual([
      { _id: 'g', count: 2 },
      { _id: 'h', count: 1 },
    ]);
  });

  it('classifies errors: a bad query is not an outage', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { name: 'MongoServerSelectionError' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Cast to ObjectId failed'))).toBe(false);
  });
});
