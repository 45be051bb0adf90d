// Access requests as stored, and the claim that turns a request into a proposal only once.
import type { Connection, mongo } from 'mongoose';
import { claimOnce } from '../db/claims.js';
import { CLAIM_COLLECTION, REQUEST_COLLECTION, type ResearchRequestDocument } from './research.model.js';

/** Reads and writes access requests. */
export class RequestStore {
  private readonly requests: mongo.Collection<ResearchRequestDocument>;
  private readonly claims: mongo.Collection<mongo.Document>;

  constructor(connection: Connection) {
    this.requests = connection.collection<ResearchRequestDocument>(REQUEST_COLLECTION);
    this.claims = connection.collection(CLAIM_COLLECTION);
  }

  async insert(document: ResearchRequestDocument): Promise<void> {
    await this.requests.insertOne(document);
  }

  async find(id: string): Promise<ResearchRequestDocument | null> {
    return this.requests.findOne({ _id: id });
  }

  /** Newest first, at most 500; one researcher's, or everyone's. */
  async list(researcherId: string | null): Promise<ResearchRequestDocument[]> {
    const filter = researcherId === null ? {} : { researcherId };
    return this.requests.find(filter).sort({ createdAt: -1 }).limit(500).toArray();
  }

  /** True for the one caller that may turn this request into a proposal. */
  async claimProposal(id: string, now: Date): Promise<boolean> {
    return claimOnce(this.claims, `research-request:${id}`, { at: now });
  }

  /** Gives the claim back (the proposal could not be created). */
  async releaseProposal(id: string): Promise<void> {
    await this.claims.deleteOne({ _id: `research-request:${id}` as never });
  }

  async markProposed(id: string, proposalId: string, policyId: string, now: Date): Promise<void> {
    await this.requests.updateOne({ _id: id }, { $set: { proposalId, policyId, proposedAt: now } });
  }
}
