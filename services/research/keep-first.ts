// Released-once records (impact snapshots, cohort insights): a unique insert keeps the first; a later writer gets it.
import type { mongo } from 'mongoose';
import { isDuplicateKey } from '../db/connection.js';

/** Inserts `record` unless one with its `_id` exists; returns whichever is stored. */
export async function keepFirst<T extends { _id: string }>(collection: mongo.Collection<T>, record: T): Promise<T> {
  try {
    await collection.insertOne(record as mongo.OptionalUnlessRequiredId<T>);
    return record;
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    const first = await collection.findOne({ _id: record._id } as mongo.Filter<T>);
    if (!first) throw error;
    return first as T;
  }
}
