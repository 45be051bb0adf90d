// The audit log's storage: an append-only chain of entries (each a Merkle leaf), the signed tree checkpoints over
// them, and the legacy chain checkpoints (JWS, before migration 0005) that are still verified.
import { Schema, type Connection, type Model } from 'mongoose';

/** One audited event; `_id` is its position in the chain (1, 2, 3 …), claimed by a unique insert. */
export interface AuditEntryDocument {
  _id: number;
  at: Date;
  /** What happened, e.g. `researcher.verified`, `research.decision`, `member.erased`. */
  type: string;
  /** Who did it: an account id (pseudonymous) or `system`. */
  actor: string;
  /** Reason codes, ids and counts; never a personal value. */
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
  /**
   * Hex Merkle leaf, SHA-256(0x00 ‖ entry bytes): what the signed tree is built of. Written with every entry and by
   * migration 0005 for older ones; where it is still absent it is computed from the entry (it is derived data).
   */
  leaf?: string;
}

/** Legacy (before 0003): a signed statement "entry `_id` has hash `hash`": rewriting history before it becomes detectable. */
export interface AuditCheckpointDocument {
  _id: number;
  hash: string;
  at: Date;
  /** Compact JWS (EdDSA) over the canonical JSON of {seq, hash, at}. */
  jws: string;
}

/**
 * A C2SP tlog-checkpoint over the first `_id` entries, as a signed note; with the right edge of the tree at that
 * size (hex hashes, largest subtree first), which the next checkpoint extends without reading older leaves.
 */
export interface SignedCheckpointDocument {
  _id: number;
  /** Hex root hash (also, base64, in the note). */
  root: string;
  note: string;
  frontier: string[];
  at: Date;
}

/** A hint of the newest position, so appenders need not scan; it may lag, never lead. */
export interface AuditHeadDocument {
  _id: 'head';
  seq: number;
}

const entrySchema = new Schema<AuditEntryDocument>(
  {
    _id: { type: Number, required: true },
    at: { type: Date, required: true },
    type: { type: String, required: true },
    actor: { type: String, required: true },
    data: { type: Schema.Types.Mixed, required: true },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
    leaf: { type: String },
  },
  { collection: 'audit_log', versionKey: false, minimize: false },
);

const checkpointSchema = new Schema<AuditCheckpointDocument>(
  {
    _id: { type: Number, required: true },
    hash: { type: String, required: true },
    at: { type: Date, required: true },
    jws: { type: String, required: true },
  },
  { collection: 'audit_checkpoints', versionKey: false },
);

const signedCheckpointSchema = new Schema<SignedCheckpointDocument>(
  {
    _id: { type: Number, required: true },
    root: { type: String, required: true },
    note: { type: String, required: true },
    frontier: { type: [String], required: true },
    at: { type: Date, required: true },
  },
  { collection: 'audit_signed_checkpoints', versionKey: false },
);

const headSchema = new Schema<AuditHeadDocument>(
  { _id: { type: String, required: true }, seq: { type: Number, required: true } },
  { collection: 'audit_head', versionKey: false },
);

/** The audit models bound to a connection. */
export function auditModels(connection: Connection): {
  entries: Model<AuditEntryDocument>;
  checkpoints: Model<AuditCheckpointDocument>;
  signed: Model<SignedCheckpointDocument>;
  head: Model<AuditHeadDocument>;
} {
  return {
    entries: connection.models.AuditEntry ?? connection.model<AuditEntryDocument>('AuditEntry', entrySchema),
    checkpoints:
      connection.models.AuditCheckpoint ??
      connection.model<AuditCheckpointDocument>('AuditCheckpoint', checkpointSchema),
    signed:
      connection.models.AuditSignedCheckpoint ??
      connection.model<SignedCheckpointDocument>('AuditSignedCheckpoint', signedCheckpointSchema),
    head: connection.models.AuditHead ?? connection.model<AuditHeadDocument>('AuditHead', headSchema),
  };
}
