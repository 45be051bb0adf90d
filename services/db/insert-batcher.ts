// Group commit for unique inserts: many concurrent inserts into one collection go to the database as a few
// unordered insertMany calls, each document still decided on its own by the unique index.
//
// Why: FerretDB on SQLite commits every write on its own; measured on this machine, 2,000 concurrent insertOne
// calls ran at ~340/s, the same 2,000 documents as concurrent insertMany batches of 50 at ~10,000/s. An unordered
// insertMany reports each duplicate as a write error with the document's index (MongoDB and FerretDB alike), so a
// claim keeps its meaning: exactly one insert of an `_id` succeeds, including two of them in the same batch.
import type { mongo } from 'mongoose';
import { MicroBatch, type MicroBatchOptions, type Settled } from './micro-batch.js';

/** Inserts documents in batches; each caller learns whether its document was inserted or was a duplicate. */
export class InsertBatcher {
  private readonly batches: MicroBatch<mongo.Document, boolean>;

  constructor(collection: mongo.Collection<mongo.Document>, options: MicroBatchOptions = {}) {
    this.batches = new MicroBatch((documents) => insertEach(collection, documents), options);
  }

  /** True once the document is inserted, false if its `_id` (or another unique key) exists; throws on other errors. */
  insert(document: mongo.Document): Promise<boolean> {
    return this.batches.submit(document);
  }
}

async function insertEach(
  collection: mongo.Collection<mongo.Document>,
  documents: mongo.Document[],
): Promise<Settled<boolean>[]> {
  try {
    // The driver sets missing `_id`s on the documents it is given; give it copies.
    await collection.insertMany(
      documents.map((document) => ({ ...document })),
      { ordered: false },
    );
    return documents.map(() => ({ value: true }));
  } catch (error) {
    const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
    if (!Array.isArray(writeErrors) || writeErrors.length === 0) throw error;
    const failures = new Map(writeErrors.map((w: { index: number; code?: unknown }) => [w.index, w.code]));
    return documents.map((_, index) => {
      if (!failures.has(index)) return { value: true };
      if (failures.get(index) === 11000) return { value: false };
      return { error: Object.assign(new Error('insert failed'), { code: failures.get(index) }) };
    });
  }
}
