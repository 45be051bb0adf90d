// The embedded FerretDB carries two patches (services/db/ferretdb/patches/): `_id` equality reaches SQLite spelled like
// the `_id` index (0001), and an `_id` equality or `$in` is pushed down beside other conditions too (0002), so reads,
// conditional updates, claims and deletes by `_id` search the index instead of scanning the table. These tests prove
// the plans use the index and that FerretDB's answers are what they were.
import { randomUUID } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDuplicateKey } from '../../../services/db/connection.js';
import { connectTestDatabase } from '../../helpers/test-app.js';

let connection: Connection;
let dropAndClose: () => Promise<void>;
let onFerretDb = false;
beforeAll(async () => {
  ({ connection, dropAndClose } = await connectTestDatabase());
  const info = await connection.db!.admin().command({ buildInfo: 1 });
  onFerretDb = typeof info.ferretdbVersion === 'string';
});
afterAll(() => dropAndClose());

/** The SQLite query plan FerretDB reports for a find, as one line per step. */
async function sqlitePlan(collection: string, filter: Record<string, unknown>): Promise<string> {
  const explained = await connection.db!.command({ explain: { find: collection, filter }, verbosity: 'queryPlanner' });
  return JSON.stringify(explained.queryPlanner);
}

describe('the embedded FerretDB patch for _id reads', () => {
  it('plans an _id equality as a search of the _id index, not a scan of the table', async (context) => {
    if (!onFerretDb) context.skip(); // MongoDB plans _id reads with its own index (IDHACK) anyway
    const things = connection.db!.collection<{ _id: string; n: number }>('planned');
    await things.insertMany(Array.from({ length: 200 }, (_, n) => ({ _id: `thing-${n}`, n })));
    const byString = await sqlitePlan('planned', { _id: 'thing-7' });
    expect(byString).toMatch(/SEARCH .*USING INDEX/);
    expect(byString).not.toMatch(/SCAN/);

    const objects = connection.db!.collection('planned-object-ids');
    const id = new Types.ObjectId();
    await objects.insertOne({ _id: id, n: 1 });
    expect(await sqlitePlan('planned-object-ids', { _id: id })).toMatch(/SEARCH .*USING INDEX/);
    // An _id beside other conditions, and a list of ids, search the index too.
    expect(await sqlitePlan('planned', { _id: 'thing-7', n: { $lt: 9 } })).toMatch(/SEARCH .*USING INDEX/);
    expect(await sqlitePlan('planned', { _id: { $in: ['thing-1', 'thing-9'] } })).toMatch(/SEARCH .*USING INDEX/);
    // Other fields are not pushed down on SQLite (unchanged): the plan scans, as for ids of mixed types.
    expect(await sqlitePlan('planned', { n: 7 })).toMatch(/SCAN/);
    expect(await sqlitePlan('planned', { _id: { $in: ['thing-1', 7] } })).toMatch(/SCAN/);
  });

  it('answers _id filters with other conditions exactly as an in-memory filter would', async () => {
    const things = connection.db!.collection<{ _id: string | number; n: number; tag?: string }>('combined');
    await things.insertMany(Array.from({ length: 50 }, (_, n) => ({ _id: `c-${n}`, n, tag: n % 2 ? 'odd' : 'even' })));
    await things.insertOne({ _id: 7, n: 7 });

    expect(await things.findOne({ _id: 'c-3', n: 3 })).toEqual({ _id: 'c-3', n: 3, tag: 'odd' });
    expect(await things.findOne({ _id: 'c-3', n: 4 })).toBeNull();
    expect(await things.findOne({ n: 3, _id: 'c-3', tag: 'odd' })).toEqual({ _id: 'c-3', n: 3, tag: 'odd' });
    expect(await things.countDocuments({ _id: 'c-3', tag: 'even' })).toBe(0);

    // A claim: the guarded update wins once, the second sees the changed guard.
    const claim = () => things.findOneAndUpdate({ _id: 'c-5', n: { $lt: 100 } }, { $inc: { n: 100 } });
    expect((await claim())!.n).toBe(5);
    expect(await claim()).toBeNull();
    expect((await things.updateOne({ _id: 'c-6', tag: 'odd' }, { $set: { n: -6 } })).matchedCount).toBe(0);
    expect((await things.updateOne({ _id: 'c-6', tag: 'even' }, { $set: { n: -6 } })).modifiedCount).toBe(1);

    const listed = await things.find({ _id: { $in: ['c-1', 'c-2', 'absent', 'c-2'] } }).toArray();
    expect(listed.map((t) => t._id).sort()).toEqual(['c-1', 'c-2']);
    const narrowed = await things.find({ _id: { $in: ['c-1', 'c-2', 'c-3'] }, tag: 'odd' }).toArray();
    expect(narrowed.map((t) => t._id).sort()).toEqual(['c-1', 'c-3']);
    const mixed = await things.find({ _id: { $in: ['c-1', 7] } }).toArray(); // not pushed down, same answer
    expect(mixed.map((t) => String(t._id)).sort()).toEqual(['7', 'c-1']);
    const long = Array.from({ length: 1500 }, (_, n) => `c-${n}`); // over the pushdown bound: in memory, same answer
    expect(await things.countDocuments({ _id: { $in: long } })).toBe(50);
    expect((await things.deleteMany({ _id: { $in: ['c-10', 'c-11'] }, tag: 'even' })).deletedCount).toBe(1);
    expect(await things.findOne({ _id: 'c-11' })).not.toBeNull();
    const matched = await things.aggregate([{ $match: { _id: 'c-12', n: 12 } }]).toArray();
    expect(matched).toEqual([{ _id: 'c-12', n: 12, tag: 'even' }]);
  });

  it('keeps every _id read, update and delete exactly as before, with awkward ids too', async () => {
    const things = connection.db!.collection<{ _id: string | number; n: number }>('semantics');
    const awkward = [`it's`, 'say "hi"', '$._id', 'a.b', 'ü→✓', '', ' ', randomUUID(), 'x'.repeat(500), '\\'];
    await things.insertMany(awkward.map((_id, n) => ({ _id, n })));
    await things.insertOne({ _id: 42, n: 99 }); // a number: not pushed down, still found

    for (const [n, _id] of awkward.entries()) expect(await things.findOne({ _id })).toEqual({ _id, n });
    expect(await things.findOne({ _id: 42 })).toEqual({ _id: 42, n: 99 });
    expect(await things.findOne({ _id: '42' })).toBeNull(); // type matters, as in MongoDB
    expect(await things.findOne({ _id: 'absent' })).toBeNull();

    const updated = await things.updateOne({ _id: `it's` }, { $inc: { n: 10 } });
    expect(updated.modifiedCount).toBe(1);
    expect((await things.findOne({ _id: `it's` }))!.n).toBe(10);
    const replaced = await things.findOneAndReplace({ _id: 'say "hi"' }, { n: -1 }, { returnDocument: 'after' });
    expect(replaced).toEqual({ _id: 'say "hi"', n: -1 });

    const duplicate = await things.insertOne({ _id: '$._id', n: 0 }).catch((error: unknown) => error);
    expect(isDuplicateKey(duplicate)).toBe(true);

    expect((await things.deleteOne({ _id: 'a.b' })).deletedCount).toBe(1);
    expect(await things.findOne({ _id: 'a.b' })).toBeNull();
    expect((await things.deleteMany({ _id: { $in: ['ü→✓', '', 'absent'] } })).deletedCount).toBe(2);
    expect(await things.countDocuments()).toBe(awkward.length + 1 - 3);
  });
});
