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

  /** Destroys the keys of these policies (those that exist). */
  async destroy(policyIds: readonly string[]): Promise<void> {
    if (policyIds.length === 0) return;
    await this.keys.deleteMany({ _id: { $in: [...policyIds] } });
  }
}
