// Race-free coordination by unique inserts: the one primitive that is atomic on both MongoDB and FerretDB.
//
// FerretDB 1.24 on SQLite runs an update as read → change → write without isolation, so concurrent
// conditional updates can all "win" and concurrent $inc can lose increments (measured: see
// docs/database-compatibility.md). An insert against a unique index, though, succeeds exactly once.
// Every "only one may do this" decision in Datacoop is therefore a claim: an insert of a named document.
import type { mongo } from 'mongoose';
import { isDuplicateKey } from './connection.js';

/** Inserts a document with this `_id`; true for the single caller that inserted it, false for everyone else. */
export async function claimOnce(
  collection: mongo.Collection<mongo.Document>,
  id: string,
  fields: mongo.Document = {},
): Promise<boolean> {
  try {
    await collection.insertOne({ ...fields, _id: id as never });
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

/**
 * Takes the next free numbered slot `<prefix>:1`, `<prefix>:2`, … up to `limit`; returns its number, or null when
 * all `limit` slots are taken. Exact under any concurrency: every slot number is handed out once.
 */
export async function takeSlot(
  collection: mongo.Collection<mongo.Document>,
  prefix: string,
  limit: number,
  fields: mongo.Document = {},
): Promise<number | null> {
  // A hint of how many are taken saves probing from 1; it may lag behind (it is only a hint), never run ahead.
  const hint = await collection.findOne({ _id: `${prefix}:hint` as never });
  let slot = Math.min(Number(hint?.taken ?? 0), limit) + 1;
  for (; slot <= limit; slot++) {
    if (await claimOnce(collection, `${prefix}:${slot}`, fields)) {
      await collection
        .updateOne(
          { _id: `${prefix}:hint` as never },
          { $max: { taken: slot }, $setOnInsert: fields },
          { upsert: true },
        )
        .catch(() => {});
      return slot;
    }
  }
  return null;
}

/** True when slot number `slot` of `prefix` has been taken. */
export async function isSlotTaken(
  collection: mongo.Collection<mongo.Document>,
  prefix: string,
  slot: number,
): Promise<boolean> {
  return (await collection.findOne({ _id: `${prefix}:${slot}` as never }, { projection: { _id: 1 } })) !== null;
}

/** Frees every slot of `prefix` (and its hint), e.g. after a successful log-in. */
export async function releaseSlots(
  collection: mongo.Collection<mongo.Document>,
  prefix: string,
  limit: number,
): Promise<void> {
  const ids = [`${prefix}:hint`, ...Array.from({ length: limit }, (_, i) => `${prefix}:${i + 1}`)];
  await collection.deleteMany({ _id: { $in: ids as never[] } });
}
