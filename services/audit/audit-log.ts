// The tamper-evident audit log: append-only hash chain, signed checkpoints, and a verifier.
import { compactVerify, CompactSign, importJWK, type JWK } from 'jose';
import type { Connection, Model } from 'mongoose';
import { canonicalJson } from '../../policies/shared/canonical-digest.js';
import type { Keyring } from '../crypto/keyring.js';
import { loadOrCreateSigningKey, type SigningKey } from '../crypto/signing-key.js';
import { isDuplicateKey } from '../db/connection.js';
import { checkChain, checkCheckpoints, entryHash, GENESIS_HASH, type ChainProblem } from './audit-chain.js';
import {
  auditModels,
  type AuditCheckpointDocument,
  type AuditEntryDocument,
  type AuditHeadDocument,
} from './audit.model.js';

const AUDIT_KEY_ID = 'audit-signing-1';
/** A checkpoint every this many entries; reading or verifying never writes one. */
const CHECKPOINT_EVERY = 16;
const MAX_APPEND_ATTEMPTS = 1_000;

/** The fields of an entry's data that name a member or account (entries "about" that account). */
const MEMBER_FIELDS = ['memberId', 'userId', 'researcherId', 'stewardId'] as const;

/** Which entries to read: every filter optional, `limit` required (the route caps it). */
export interface AuditEntryFilter {
  type?: string;
  actor?: string;
  from?: Date;
  to?: Date;
  /** One account: entries it is the actor of, by id or pseudonym, or whose data names it. */
  about?: string;
  /** Positions below this one only (the previous page's `nextBefore`). */
  before?: number;
  limit: number;
}

export interface AuditEntryView {
  seq: number;
  at: Date;
  type: string;
  actor: string;
  data: Record<string, unknown>;
}

export interface AuditEntryPage {
  entries: AuditEntryView[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: number | null;
}

export interface AuditVerification {
  valid: boolean;
  entries: number;
  checkpoints: number;
  problems: ChainProblem[];
}

/** Appends entries race-free across instances (each position is claimed by a unique insert) and verifies the chain. */
export class AuditLog {
  private readonly entries: Model<AuditEntryDocument>;
  private readonly checkpoints: Model<AuditCheckpointDocument>;
  private readonly head: Model<AuditHeadDocument>;
  private queue: Promise<unknown> = Promise.resolve();
  /** The last entry this instance wrote: the usual place to append the next one. */
  private last: { seq: number; hash: string } | undefined;

  private constructor(
    connection: Connection,
    private readonly key: SigningKey,
    private readonly keyring: Keyring,
  ) {
    ({ entries: this.entries, checkpoints: this.checkpoints, head: this.head } = auditModels(connection));
  }

  /** Loads (or creates) the checkpoint signing key. */
  static async open(connection: Connection, keyring: Keyring): Promise<AuditLog> {
    return new AuditLog(connection, await loadOrCreateSigningKey(keyring, AUDIT_KEY_ID, 'audit-signing'), keyring);
  }

  /** The public key that verifies checkpoints. */
  get publicJwk(): JWK {
    return this.key.publicJwk;
  }

  /** Writes one entry at the next free position and resolves once it is stored; throws if it cannot be stored. */
  append(type: string, actor: string, data: Record<string, unknown>, now: Date): Promise<number> {
    // Appends from this instance go one at a time (so they never race each other); other instances are
    // handled by the unique insert of each position.
    const result = this.queue.then(() => this.appendNow(type, actor, data, now));
    this.queue = result.catch(() => {});
    return result;
  }

  private async appendNow(type: string, actor: string, data: Record<string, unknown>, now: Date): Promise<number> {
    let { seq, hash: prevHash } = this.last ?? (await this.readHead());
    seq++;
    for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
      const hash = entryHash({ seq, at: now, type, actor, data, prevHash });
      try {
        await this.entries.create({ _id: seq, at: now, type, actor, data, prevHash, hash });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // Another instance took this position: move to the end of the chain as it stands now.
        const head = await this.readHead();
        ({ hash: prevHash } = head.seq >= seq ? head : { hash: await this.hashAt(seq) });
        seq = Math.max(head.seq, seq) + 1;
        continue;
      }
      this.last = { seq, hash };
      await this.head.updateOne({ _id: 'head' }, { $max: { seq } }, { upsert: true }).catch(() => {});
      if (seq % CHECKPOINT_EVERY === 0) await this.writeCheckpoint(seq, hash, now);
      return seq;
    }
    throw new Error('audit log: no free position after many attempts');
  }

  /** The newest position known from the head hint (which may lag) and the hash stored there. */
  private async readHead(): Promise<{ seq: number; hash: string }> {
    const seq = (await this.head.findById('head').lean())?.seq ?? 0;
    return { seq, hash: seq === 0 ? GENESIS_HASH : await this.hashAt(seq) };
  }

  /** Checks every entry and every checkpoint; writes nothing (checkpoints come from appends alone). */
  async verify(_now: Date): Promise<AuditVerification> {
    const cursor = this.entries.find().sort({ _id: 1 }).lean().cursor();
    const chain = await checkChain(
      (async function* () {
        for await (const doc of cursor) yield { ...doc, seq: doc._id };
      })(),
    );
    const problems = [...chain.problems];
    const checkpoints = await this.checkpoints.find().sort({ _id: 1 }).lean();
    const verifyKey = await importJWK(this.key.publicJwk, 'EdDSA');
    const signedCheckpoints: { seq: number; hash: string }[] = [];
    for (const checkpoint of checkpoints) {
      const payload = await compactVerify(checkpoint.jws, verifyKey).catch(() => null);
      const signed = payload
        ? (JSON.parse(new TextDecoder().decode(payload.payload)) as { seq: number; hash: string })
        : null;
      if (!signed || signed.seq !== checkpoint._id || signed.hash !== checkpoint.hash) {
        problems.push({ seq: checkpoint._id, problem: 'checkpoint_signature_invalid' });
      } else {
        signedCheckpoints.push(signed);
      }
    }
    problems.push(...checkCheckpoints(chain, signedCheckpoints));
    problems.sort((a, b) => a.seq - b.seq);
    const valid = problems.length === 0;
    return { valid, entries: chain.count, checkpoints: checkpoints.length, problems };
  }

  /**
   * Entries newest first, one page: by type, time range [from, to), actor, and for one member the entries they
   * are the actor of (by account id or audit pseudonym) or whose data names them. `before` pages on by position.
   */
  async listEntries(filter: AuditEntryFilter): Promise<AuditEntryPage> {
    const query: Record<string, unknown> = {};
    if (filter.type !== undefined) query.type = filter.type;
    if (filter.actor !== undefined) query.actor = filter.actor;
    if (filter.from !== undefined || filter.to !== undefined) {
      query.at = { ...(filter.from && { $gte: filter.from }), ...(filter.to && { $lt: filter.to }) };
    }
    if (filter.before !== undefined) query._id = { $lt: filter.before };
    if (filter.about !== undefined) {
      const id = filter.about;
      query.$or = [
        { actor: { $in: [id, this.memberPseudonym(id)] } },
        ...MEMBER_FIELDS.map((field) => ({ [`data.${field}`]: id })),
      ];
    }
    const docs = await this.entries
      .find(query)
      .sort({ _id: -1 })
      .limit(filter.limit + 1)
      .lean();
    const page = docs.slice(0, filter.limit);
    return {
      entries: page.map(({ _id, at, type, actor, data }) => ({ seq: _id, at, type, actor, data })),
      nextBefore: docs.length > filter.limit ? page[page.length - 1]!._id : null,
    };
  }

  /** The pseudonym under which the member's own acts (consent, export, erasure) are audited. */
  memberPseudonym(memberId: string): string {
    return `member:${this.keyring.blindIndex('audit-member', memberId).slice(0, 32)}`;
  }

  /** Signed checkpoints, oldest first, for anyone to verify with the published key. */
  async listCheckpoints(): Promise<AuditCheckpointDocument[]> {
    return this.checkpoints.find().sort({ _id: 1 }).lean();
  }

  private async hashAt(seq: number): Promise<string> {
    const entry = await this.entries.findById(seq, { hash: 1 }).lean();
    if (!entry) throw new Error(`audit log: entry ${seq} is missing`);
    return entry.hash;
  }

  private async writeCheckpoint(seq: number, hash: string, now: Date): Promise<void> {
    const payload = canonicalJson({ seq, hash, at: now.toISOString() });
    const jws = await new CompactSign(new TextEncoder().encode(payload))
      .setProtectedHeader({ alg: 'EdDSA', kid: this.key.kid })
      .sign(this.key.privateKey);
    try {
      await this.checkpoints.create({ _id: seq, hash, at: now, jws });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error; // that position is already checkpointed
    }
  }
}
