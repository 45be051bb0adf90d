// The per-researcher throttle of queries and exports: fixed one-minute windows of numbered slots (claims), exact
// across instances.
import type { Connection, mongo } from 'mongoose';
import { takeSlot } from '../db/claims.js';
import { TooManyRequests } from '../errors.js';
import { THROTTLE_COLLECTION } from './research.model.js';

const WINDOW_MS = 60_000;

/** Counts queries and exports per researcher and minute; `options` is read on every call, so changes apply. */
export class QueryThrottle {
  private readonly slots: mongo.Collection<mongo.Document>;

  constructor(
    connection: Connection,
    private readonly options: { readonly queriesPerMinute: number },
  ) {
    this.slots = connection.collection(THROTTLE_COLLECTION);
  }

  /** Counts one query or export against the researcher's fixed one-minute window; 429 once it is full. */
  async take(researcherId: string, now: Date): Promise<void> {
    const start = Math.floor(now.getTime() / WINDOW_MS) * WINDOW_MS;
    const slot = await takeSlot(this.slots, `research:${researcherId}:${start}`, this.options.queriesPerMinute, {
      expiresAt: new Date(start + WINDOW_MS),
    });
    if (slot === null) throw new TooManyRequests((start + WINDOW_MS - now.getTime()) / 1000);
    if (slot === 1) this.slots.deleteMany({ expiresAt: { $lt: new Date(start) } }).catch(() => {});
  }
}
