// The audit routes' inputs and outputs: zod at the edge, and the OpenAPI document's schemas.
import { z } from 'zod';
import { canonicalInstantSchema } from '../../../../policies/shared/schemas.js';

const pageFields = {
  before: z.coerce.number().int().min(1).optional().describe("The previous page's nextBefore: older entries only"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
};

/** Stewards' filters: by type, time range [from, to), actor pseudonym; newest first, paginated. */
export const auditEntriesQuery = z.strictObject({
  type: z.string().min(1).max(100).optional().describe('e.g. proposal.opened, research.decision'),
  actor: z.string().min(1).max(200).optional().describe('An account id or audit pseudonym (member:…)'),
  from: canonicalInstantSchema.optional(),
  to: canonicalInstantSchema.optional(),
  ...pageFields,
});

export const ownAuditEntriesQuery = z.strictObject(pageFields);

const entrySchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  type: z.string(),
  actor: z.string(),
  data: z.record(z.string(), z.unknown()).describe('Reason codes, ids and counts; never a personal value'),
});

export const auditEntryPageSchema = z.object({
  entries: z.array(entrySchema),
  nextBefore: z.number().int().nullable(),
});

export const checkpointSchema = z.object({
  size: z.number().int().describe('Tree size: the checkpoint covers entries 1…size'),
  root: z.string().describe('Hex RFC 6962 root hash of the first size entries'),
  at: z.string(),
  note: z.string().describe('C2SP tlog-checkpoint as a signed note (Ed25519)'),
});

const inclusionSchema = z.object({
  leafIndex: z.number().int().describe('seq − 1'),
  leaf: z.string().describe('Base64 SHA-256(0x00 ‖ entry bytes)'),
  auditPath: z.array(z.string()).describe('RFC 9162 inclusion proof against the checkpoint, base64 hashes'),
});

export const ownAuditEntryPageSchema = z.object({
  entries: z.array(
    entrySchema.extend({ proof: inclusionSchema.nullable().describe('null if newer than the checkpoint') }),
  ),
  nextBefore: z.number().int().nullable(),
  checkpoint: checkpointSchema.nullable().describe('The checkpoint every proof on this page is against'),
});

export const verificationSchema = z.object({
  valid: z.boolean(),
  entries: z.number().int(),
  checkpoints: z.number().int(),
  root: z.string().describe('Hex root of the tree recomputed from the entries'),
  problems: z.array(
    z.object({
      seq: z.number().int(),
      problem: z.enum([
        'missing_entry',
        'hash_mismatch',
        'broken_link',
        'checkpoint_mismatch',
        'checkpoint_signature_invalid',
        'truncated',
        'leaf_mismatch',
        'checkpoint_missing',
        'anchored_checkpoint_missing',
      ]),
    }),
  ),
});

const keys = {
  verifierKey: z.string().describe('C2SP verifier key string: <origin>+<key ID>+<base64(0x01 ‖ Ed25519 key)>'),
  publicKey: z.record(z.string(), z.unknown()).describe('The same Ed25519 key as a JWK'),
};

export const checkpointsQuery = z.strictObject({
  from: z.coerce.number().int().min(0).default(0).describe('Smallest tree size to list'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const checkpointsSchema = z.object({ ...keys, checkpoints: z.array(checkpointSchema) });

const cosignatureSchema = z.object({
  witness: z.string().describe('The witness name (its key name)'),
  line: z.string().describe('tlog-cosignature/v1 line, to append to the checkpoint note'),
});

export const latestCheckpointSchema = z.object({
  ...keys,
  checkpoint: checkpointSchema.nullable(),
  witnesses: z.array(z.string()).describe('Verifier keys of the witnesses whose cosignatures this log publishes'),
  cosignatures: z.array(cosignatureSchema).describe('Cosignatures of the latest checkpoint by configured witnesses'),
});

export const cosignatureBody = z.strictObject({
  size: z.number().int().min(1).describe('The tree size of the checkpoint the witness cosigned'),
  cosignature: z.string().min(1).max(300).describe('The witness cosignature line (C2SP tlog-cosignature/v1)'),
});

export const cosignatureAccepted = z.object({ size: z.number().int(), ...cosignatureSchema.shape });

export const consistencyQuery = z.strictObject({
  from: z.coerce.number().int().min(1).describe('The older tree size (a checkpoint you saw)'),
  to: z.coerce.number().int().min(1).describe('The newer tree size (e.g. the latest checkpoint)'),
});

export const consistencySchema = z.object({
  from: z.number().int(),
  to: z.number().int(),
  proof: z.array(z.string()).describe('RFC 9162 consistency proof, base64 hashes'),
});
