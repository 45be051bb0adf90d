// The audit log's storage: an append-only chain of entries and the signed checkpoints over it.
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
}

/** A signed statement "entry `_id` has hash `hash`": rewriting history before it becomes detectable. */
export interface AuditCheckpointDocument {
  _id: number;
  hash: string;
  at: Date;
  /** Compact JWS (EdDSA) over the canonical JSON of {seq, hash, at}. */
  jws: string;
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

const headSchema = new Schema<AuditHeadDocument>(
  { _id: { type: String, required: true }, seq: { type: Number, required: true } },
  { collection: 'audit_head', versionKey: false },
);

/** The audit models bound to a connection. */
export function auditModels(connection: Connection): {
  entries: Model<AuditEntryDocument>;
  checkpoints: Model<AuditCheckpointDocument>;
  head: Model<AuditHeadDocument>;
} {
  return {
    entries: connection.models.AuditEntry ?? connection.model<AuditEntryDocument>('AuditEntry', entrySchema),
    checkpoints:
      connection.models.AuditCheckpoint ??
      connection.model<AuditCheckpointDocument>('AuditCheckpoint', checkpointSchema),
    head: connection.models.AuditHead ?? connection.model<AuditHeadDocument>('AuditHead', headSchema),
  };
}
