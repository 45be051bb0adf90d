// The released cohort bands, one record per category and period: a period's release is decided once (a claim),
// then only read back, so every member of the period sees the same numbers and repeated views cost nothing.
import type { Connection, mongo } from 'mongoose';
import { claimOnce } from '../db/claims.js';

import { keepFirst } from './keep-first.js';
import { CLAIM_COLLECTION, INSIGHT_COLLECTION, type InsightRecord } from './research.model.js';

const POLL_MS = 50;
const POLL_ATTEMPTS = 200;

/** Stores each period's released bands once. */
export class InsightCache {
  private readonly records: mongo.Collection<InsightRecord>;
  private readonly claims: mongo.Collection<mongo.Document>;

  constructor(connection: Connection) {
    this.records = connection.collection<InsightRecord>(INSIGHT_COLLECTION);
    this.claims = connection.collection(CLAIM_COLLECTION);
  }

  async find(id: string): Promise<InsightRecord | null> {
    return this.records.findOne({ _id: id });
  }

  /** The newest fresh release of a category (any period), to show again once the year's budget is spent. */
  async lastRelease(category: string): Promise<InsightRecord | null> {
    const [last] = await this.records.find({ category, fresh: true }).sort({ computedAt: -1 }).limit(1).toArray();
    return last ?? null;
  }

  /** True for the one caller that may release period `id`; everybody else waits for its record. */
  async claimRelease(id: string, now: Date): Promise<boolean> {
    return claimOnce(this.claims, `insight-release:${id}`, { at: now });
  }

  /** The record of `id` once its releasing caller stored it (polled for about 5 s), or null. */
  async awaitRecord(id: string): Promise<InsightRecord | null> {
    for (let attempt = 0; attempt < POLL_ATTEMPTS; attempt++) {
      const record = await this.find(id);
      if (record) return record;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return null;
  }

  /** Keeps `record`; should another record of the period exist (it cannot, after a claim), that one is answered. */
  async keep(record: InsightRecord): Promise<InsightRecord> {
    return keepFirst(this.records, record);
  }
}
