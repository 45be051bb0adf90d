// Reads shaped for the embedded database: what a caller needs ("these ids", "everything of a category in these
// months") turned into the queries FerretDB 1.24 on SQLite answers fastest.
//
// The embedded FerretDB is built with two patches (services/db/ferretdb/patches/): an `_id` equality or `_id $in` is
// answered from SQLite's `_id` index, also beside other conditions. Every other filter decodes every document of the
// collection (docs/database-compatibility.md). So: documents by id → `_id $in`, in batches (one round trip per batch,
// each an index search); thousands of documents of a category → one scan by category and months, filtered in memory;
// a whole collection → one bulk read, never one per member. On MongoDB each of these uses an index as well.
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

/** How many ids one `_id $in` read names (the patched FerretDB pushes down lists of up to 1,000). */
export const IDS_PER_READ = 500;

/** The documents with these ids, in the order of `ids` (null where missing), `IDS_PER_READ` per read, `concurrency` reads at a time. */
export async function readByIds<T extends { _id: string }>(
  collection: mongo.Collection<T>,
  ids: readonly string[],
  concurrency: number,
): Promise<(T | null)[]> {
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_READ) batches.push(ids.slice(i, i + IDS_PER_READ));
  const found = new Map<string, T>();
  let next = 0;
  const worker = async () => {
    for (let b = next++; b < batches.length; b = next++) {
      const filter = { _id: { $in: batches[b]! } } as mongo.Filter<T>;
      for (const document of (await collection.find(filter).toArray()) as T[]) found.set(document._id, document);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  return ids.map((id) => found.get(id) ?? null);
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
