// Reads shaped for the embedded database: what a caller needs ("these ids", "everything of a category in these
// months") turned into the queries FerretDB 1.24 on SQLite answers fastest.
//
// FerretDB pushes only `_id` equality down to SQLite; any other filter, `_id $in` included, decodes every document of
// the collection (docs/database-compatibility.md, docs/vault.md). One `_id` look-up costs about as much as a small
// scan, so: a handful of documents by id → one `_id` query each, a few at a time (measured: 13 chunks 30–40 ms
// against 200–800 ms for one `$in`); thousands of documents → one scan by category and months, filtered in memory
// (an `$in` of thousands of ids is evaluated per document); a whole collection → one bulk read, never one per member.
import type { mongo } from 'mongoose';

/** Documents with a category and a `YYYY-MM` month (the plaintext metadata of sealed chunks). */
export interface CategorisedMonthly {
  _id: string;
  category: string;
  month: string;
}

/** Every document of a collection in one read. */
export async function readEverything<T extends mongo.Document>(collection: mongo.Collection<T>): Promise<T[]> {
  return (await collection.find({}).toArray()) as T[];
}

/** The documents with these ids, in the order of `ids` (null where missing), read `concurrency` at a time. */
export async function readByIds<T extends { _id: string }>(
  collection: mongo.Collection<T>,
  ids: readonly string[],
  concurrency: number,
): Promise<(T | null)[]> {
  const result: (T | null)[] = new Array(ids.length).fill(null);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < ids.length; i = next++) {
      result[i] = (await collection.findOne({ _id: ids[i]! } as mongo.Filter<T>)) as T | null;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
  return result;
}

/** Every document of `categories` whose month lies in [fromMonth, toMonth] (inclusive), in one read. */
export async function readByCategoryAndMonths<T extends CategorisedMonthly>(
  collection: mongo.Collection<T>,
  categories: string | readonly string[],
  months: { from: string; to: string },
): Promise<T[]> {
  const category = typeof categories === 'string' ? categories : { $in: [...categories] };
  const filter = { category, month: { $gte: months.from, $lte: months.to } } as mongo.Filter<T>;
  return (await collection.find(filter).toArray()) as T[];
}
