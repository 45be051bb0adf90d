// The released cohort bands, one per category and UTC day: a day's release is computed once and then reused.
import type { Connection, mongo } from 'mongoose';
import { INSIGHT_COLLECTION, type InsightRecord } from './research.model.js';

/** Stores each day's released bands once. */
export class InsightCache {
  private readonly records: mongo.Collection<InsightRecord>;

  constructor(connection: Connection) {
    this.records = connection.collection<InsightRecord>(INSIGHT_COLLECTION);
  }

  async find(id: string): Promise<InsightRecord | null> {
    return this.records.findOne({ _id: id });
  }

  /** Keeps `record` unless another process released that day first: then theirs is the one answered. */
  async keep(record: InsightRecord): Promise<InsightRecord> {
    try {
      await this.records.insertOne(record);
      return record;
    } catch {
      return (await this.records.findOne({ _id: record._id })) ?? record;
    }
  }
}
