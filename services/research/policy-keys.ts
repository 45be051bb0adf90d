// Per-policy pseudonym keys: random, stored wrapped by the master key, created once (a claim), destroyed when the
// policy is no longer active so that exports of an ended study can never be linked again.
import { randomBytes } from 'node:crypto';
import type { Connection, mongo } from 'mongoose';
import { POLICY_KEY_BYTES } from '../../policies/research/pseudonym.js';
import type { Keyring } from '../crypto/keyring.js';
import { claimOnce } from '../db/claims.js';
import { toBuffer } from '../db/connection.js';
import { ServiceUnavailable } from '../errors.js';
import { POLICY_KEY_COLLECTION, type PolicyKeyDocument } from './research.model.js';

/** The pseudonym keys of policies. */
export class PolicyKeys {
  private readonly keys: mongo.Collection<PolicyKeyDocument>;

  constructor(
    connection: Connection,
    private readonly keyring: Keyring,
  ) {
    this.keys = connection.collection<PolicyKeyDocument>(POLICY_KEY_COLLECTION);
  }

  /** The policy's pseudonym key, created on first use (of two concurrent creators, the first insert wins). */
  async keyFor(policyId: string, now: Date): Promise<Buffer> {
    const id = `policy-key:${policyId}`;
    const existing = await this.keys.findOne({ _id: policyId });
    if (existing) return this.keyring.unwrapServiceSecret(id, toBuffer(existing.wrapped));
    const secret = randomBytes(POLICY_KEY_BYTES);
    const wrapped = this.keyring.wrapServiceSecret(id, secret);
    if (
      await claimOnce(this.keys as unknown as mongo.Collection<mongo.Document>, policyId, { wrapped, createdAt: now })
    ) {
      return secret;
    }
    const winner = await this.keys.findOne({ _id: policyId });
    if (!winner) throw new ServiceUnavailable();
    return this.keyring.unwrapServiceSecret(id, toBuffer(winner.wrapped));
  }

  /**
   * Destroys the keys of these policies (those that exist) and returns them. Each wrapped key is
   * first overwritten with random bytes of the same length (SQLite rewrites a same-size row in place, so the old
   * bytes leave the page), then deleted; a WAL checkpoint afterwards (key-destruction-job.ts) clears the log. Returns the ids destroyed.
   */
  async destroy(policyIds: readonly string[]): Promise<string[]> {
    if (policyIds.length === 0) return [];
    const existing = await this.keys.find({ _id: { $in: [...policyIds] } }).toArray();
    for (const document of existing) {
      const length = toBuffer(document.wrapped).length;
      await this.keys.updateOne({ _id: document._id }, { $set: { wrapped: randomBytes(length) } });
    }
    if (existing.length > 0) await this.keys.deleteMany({ _id: { $in: existing.map((d) => d._id) } });
    return existing.map((d) => d._id);
  }
}
