// The tamper-evident audit log: append-only hash chain whose entries are the leaves of an RFC 6962 Merkle tree,
// signed C2SP checkpoints at every N-th entry and on a schedule, proofs, and a verifier that writes nothing.
import type { Connection, Model } from 'mongoose';
import type { JWK } from 'jose';
import type { Keyring } from '../crypto/keyring.js';
import { isDuplicateKey } from '../db/connection.js';
import { readAnchor, writeAnchor } from './audit-anchor.js';
import { createWitnessCosignatures, type WitnessCosignatures } from './audit-cosignatures.js';
import { entryHash, entryLeaf, GENESIS_HASH, type ChainProblem } from './audit-chain.js';
import { Checkpointer } from './audit-checkpointer.js';
import { loadCheckpointKey, type AuditKeyOptions, type CheckpointKey } from './audit-key.js';
import { AuditTree } from './audit-tree.js';
import { verifyAuditTree } from './audit-verifier.js';
import {
  auditModels,
  type AuditCheckpointDocument,
  type AuditEntryDocument,
  type AuditHeadDocument,
  type SignedCheckpointDocument,
} from './audit.model.js';

const MAX_APPEND_ATTEMPTS = 1_000;

/** The fields of an entry's data that name a member or account (entries "about" that account). */
const MEMBER_FIELDS = ['memberId', 'userId', 'researcherId', 'stewardId'] as const;

/** Which entries to read: every filter optional, `limit` required (the route caps it). */
export interface AuditEntryFilter {
  type?: string;
  /** Any of these types (with `type`, both must hold). */
  types?: readonly string[];
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
  /** Hex root of the tree recomputed from the entries. */
  root: string;
  problems: ChainProblem[];
}

/** A signed checkpoint as published: its size, hex root and the C2SP signed note. */
export interface PublishedCheckpoint {
  size: number;
  root: string;
  note: string;
  at: Date;
}

/** Appends entries race-free across instances (each position is claimed by a unique insert) and verifies the log. */
export class AuditLog {
  private readonly entries: Model<AuditEntryDocument>;
  private readonly legacy: Model<AuditCheckpointDocument>;
  private readonly signed: Model<SignedCheckpointDocument>;
  private readonly head: Model<AuditHeadDocument>;
  private readonly checkpointer: Checkpointer;
  private readonly tree: AuditTree;
  private queue: Promise<unknown> = Promise.resolve();
  /** The last entry this instance wrote: the usual place to append the next one. */
  private last: { seq: number; hash: string } | undefined;
  /** Cosignatures of the configured witnesses, published beside the checkpoints (audit-cosignatures.ts). */
  readonly cosignatures: WitnessCosignatures;

  private constructor(
    connection: Connection,
    private readonly key: CheckpointKey,
    private readonly keyring: Keyring,
    private readonly options: AuditKeyOptions,
  ) {
    const models = auditModels(connection);
    ({ entries: this.entries, checkpoints: this.legacy, signed: this.signed, head: this.head } = models);
    this.checkpointer = new Checkpointer({
      entries: this.entries,
      signed: this.signed,
      key,
      checkpointEvery: options.checkpointEvery,
      anchorPath: options.anchorPath,
    });
    this.tree = new AuditTree(this.entries);
    this.cosignatures = createWitnessCosignatures({
      connection,
      checkpointAt: (size) => this.checkpointAt(size),
      witnessKeys: options.witnesses ?? [],
    });
  }

  /**
   * Loads the checkpoint key and checks it against its pins (AuditKeyError if missing or changed). At first start it
   * pins the key in the anchor file and, for a log from before migration 0005 whose chain verifies, signs the
   * checkpoints it should have.
   */
  static async open(connection: Connection, keyring: Keyring, options: AuditKeyOptions, now: Date): Promise<AuditLog> {
    const { entries } = auditModels(connection);
    const { key, anchor } = await loadCheckpointKey(keyring, options, () => entries.countDocuments());
    const log = new AuditLog(connection, key, keyring, options);
    if (!anchor) {
      writeAnchor(options.anchorPath, { verifierKey: key.verifier, checkpointEvery: options.checkpointEvery });
      await log.signExistingLog(now);
    }
    return log;
  }

  /** The public key that verified the chain checkpoints written before migration 0005 (the same key). */
  get publicJwk(): JWK {
    return this.key.signing.publicJwk;
  }

  /** The anchor file that pins the key and remembers the newest checkpoint signed here. */
  get anchorPath(): string {
    return this.options.anchorPath;
  }

  /** The C2SP verifier key string that verifies every checkpoint. */
  get verifierKey(): string {
    return this.key.verifier;
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
      const entry = { seq, at: now, type, actor, data, prevHash };
      const hash = entryHash(entry);
      try {
        await this.entries.create({ _id: seq, at: now, type, actor, data, prevHash, hash, leaf: entryLeaf(entry) });
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
      // A checkpoint that cannot be signed now (an entry before it still in flight, or a rewritten history) is
      // reported by verify as missing; the schedule signs it once the entries are all there.
      if (seq % this.options.checkpointEvery === 0) await this.checkpointer.checkpointAt(seq, now).catch(() => {});
      return seq;
    }
    throw new Error('audit log: no free position after many attempts');
  }

  /** The newest position known from the head hint (which may lag) and the hash stored there. */
  private async readHead(): Promise<{ seq: number; hash: string }> {
    const seq = (await this.head.findById('head').lean())?.seq ?? 0;
    return { seq, hash: seq === 0 ? GENESIS_HASH : await this.hashAt(seq) };
  }

  /** The schedule's step: signs the log's current end if anything was appended since the last checkpoint. */
  async checkpointNow(now: Date): Promise<number | null> {
    return this.checkpointer.checkpointHead(now);
  }

  /** Checks every entry, leaf and checkpoint against the recomputed tree and the anchor; writes nothing. */
  async verify(_now: Date): Promise<AuditVerification> {
    const cursor = this.entries.find().sort({ _id: 1 }).lean().cursor();
    const [signed, legacy] = await Promise.all([
      this.signed.find({}, { frontier: 0 }).sort({ _id: 1 }).lean(),
      this.legacy.find().sort({ _id: 1 }).lean(),
    ]);
    const result = await verifyAuditTree({
      entries: (async function* () {
        for await (const doc of cursor) yield { ...doc, seq: doc._id };
      })(),
      signed,
      legacy,
      verifier: this.key.verifier,
      origin: this.key.name,
      legacyKey: this.key.signing.publicJwk,
      checkpointEvery: this.options.checkpointEvery,
      anchored: readAnchor(this.options.anchorPath)?.latest,
    });
    const { count, root, problems } = result;
    return { valid: problems.length === 0, entries: count, checkpoints: signed.length, root, problems };
  }

  /**
   * Entries newest first, one page: by type, time range [from, to), actor, and for one member the entries they
   * are the actor of (by account id or audit pseudonym) or whose data names them. `before` pages on by position.
   */
  async listEntries(filter: AuditEntryFilter): Promise<AuditEntryPage> {
    const query: Record<string, unknown> = {};
    if (filter.type !== undefined) query.type = filter.type;
    if (filter.types !== undefined)
      query.type = { ...(filter.type !== undefined && { $eq: filter.type }), $in: filter.types };
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

  /** Signed checkpoints, oldest first (at most `limit`, from size `from` on), for anyone to verify. */
  async listCheckpoints(options: { from?: number; limit?: number } = {}): Promise<PublishedCheckpoint[]> {
    const docs = await this.signed
      .find({ _id: { $gte: options.from ?? 0 } }, { frontier: 0 })
      .sort({ _id: 1 })
      .limit(options.limit ?? 1_000)
      .lean();
    return docs.map(({ _id, root, note, at }) => ({ size: _id, root, note, at }));
  }

  /** The signed checkpoint at exactly `size`, or null. */
  async checkpointAt(size: number): Promise<PublishedCheckpoint | null> {
    const [found] = await this.listCheckpoints({ from: size, limit: 1 });
    return found?.size === size ? found : null;
  }

  /** The newest `limit` signed checkpoints, newest first. */
  async recentCheckpoints(limit: number): Promise<PublishedCheckpoint[]> {
    const docs = await this.signed.find({}, { frontier: 0 }).sort({ _id: -1 }).limit(limit).lean();
    return docs.map(({ _id, root, note, at }) => ({ size: _id, root, note, at }));
  }

  /** The newest signed checkpoint, or null before the first one. */
  async latestCheckpoint(): Promise<PublishedCheckpoint | null> {
    const [doc] = await this.signed.find({}, { frontier: 0 }).sort({ _id: -1 }).limit(1).lean();
    return doc ? { size: doc._id, root: doc.root, note: doc.note, at: doc.at } : null;
  }

  /** The audit paths of these entries in the tree of the first `size` entries (ProofOutOfRange outside it). */
  async inclusionProofs(seqs: readonly number[], size: number): Promise<Buffer[][]> {
    return this.tree.inclusions(seqs, size);
  }

  /** The consistency proof between the trees of the first `from` and `to` entries. */
  async consistencyProof(from: number, to: number): Promise<Buffer[]> {
    return this.tree.consistency(from, to);
  }

  /** Stored leaves of these entries (hex), for inclusion proofs. */
  async leavesOf(seqs: readonly number[]): Promise<Map<number, string>> {
    const docs = await this.entries.find({ _id: { $in: [...seqs] } }).lean();
    return new Map(docs.map((d) => [d._id, d.leaf ?? entryLeaf({ ...d, seq: d._id })]));
  }

  private async hashAt(seq: number): Promise<string> {
    const entry = await this.entries.findById(seq, { hash: 1 }).lean();
    if (!entry) throw new Error(`audit log: entry ${seq} is missing`);
    return entry.hash;
  }

  /** First start with a pin: signs the required checkpoints of an existing log, only if everything else verifies. */
  private async signExistingLog(now: Date): Promise<void> {
    if ((await this.signed.estimatedDocumentCount()) > 0) return;
    const result = await this.verify(now);
    if (result.entries === 0 || result.problems.some((p) => p.problem !== 'checkpoint_missing')) return;
    await this.checkpointer.checkpointAt(result.entries, now);
  }
}
