// Reads by id through `_id $in` batches: the answer is in the order asked, with null for what is missing, whatever
// the number of ids and batches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'mongoose';
import { IDS_PER_READ, readByIds } from '../../../services/db/document-reads.js';
import { connectTestDatabase } from '../../helpers/test-app.js';

let connection: Connection;
let dropAndClose: () => Promise<void>;
beforeAll(async () => {
  ({ connection, dropAndClose } = await connectTestDatabase());
});
afterAll(() => dropAndClose());

describe('readByIds', () => {
  it('answers in the order of the ids, null where missing, across several batches and with repeated ids', async () => {
    const things = connection.db!.collection<{ _id: string; n: number }>('by-ids');
    const count = IDS_PER_READ * 2 + 17;
    await things.insertMany(Array.from({ length: count }, (_, n) => ({ _id: `t-${n}`, n })));
    const asked = [
      ...Array.from({ length: count }, (_, n) => `t-${count - 1 - n}`),
      'absent',
      't-3',
      't-3',
      'also-absent',
    ];
    const found = await readByIds(things, asked, 3);
    expect(found).toHaveLength(asked.length);
    found.forEach((document, i) => {
      if (asked[i]!.includes('absent')) expect(document).toBeNull();
      else expect(document).toEqual({ _id: asked[i], n: Number(asked[i]!.slice(2)) });
    });
    expect(await readByIds(things, [], 4)).toEqual([]);
  });
});
