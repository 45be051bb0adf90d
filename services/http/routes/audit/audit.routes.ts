// The audit log over HTTP: verification (stewards), entries (stewards; members their own, each with an inclusion
// proof), and for anyone the signed checkpoints and consistency proofs between them.
import type { AuditLog } from '../../../audit/index.js';
import { ProofOutOfRange } from '../../../audit/index.js';
import { InvalidRequest } from '../../../errors.js';
import type { ApiRouter } from '../../api-router.js';
import {
  presentCheckpoint,
  presentCheckpoints,
  presentEntryPage,
  presentHashes,
  presentVerification,
  type PresentedInclusion,
} from './audit.presenter.js';
import {
  auditEntriesQuery,
  auditEntryPageSchema,
  checkpointsQuery,
  checkpointsSchema,
  consistencyQuery,
  consistencySchema,
  cosignatureAccepted,
  cosignatureBody,
  latestCheckpointSchema,
  ownAuditEntriesQuery,
  ownAuditEntryPageSchema,
  verificationSchema,
} from './audit.schema.js';

/**
 * Adds /api/audit/{verify,entries,checkpoints}, /api/me/audit-entries and
 * /api/public/audit/{checkpoint,consistency,cosignatures}.
 */
export function auditRoutes(api: ApiRouter, audit: AuditLog, now: () => Date): void {
  const keys = () => ({ verifierKey: audit.verifierKey, publicKey: { ...audit.publicJwk } });
  api
    .route(
      {
        method: 'get',
        path: '/api/audit/verify',
        summary:
          'Recompute the hash chain and the Merkle tree; check a signed checkpoint at every required position, each root, and the anchored checkpoint. Lists each problem; writes nothing',
        tag: 'audit',
        access: ['steward'],
        success: { status: 200, schema: verificationSchema, description: 'The verification result' },
      },
      async () => presentVerification(await audit.verify(now())),
    )
    .route(
      {
        method: 'get',
        path: '/api/audit/entries',
        summary: 'Audit entries, newest first: filter by type, date range and actor pseudonym; paginated',
        tag: 'audit',
        access: ['steward'],
        query: auditEntriesQuery,
        success: { status: 200, schema: auditEntryPageSchema, description: 'One page of entries' },
      },
      async ({ query }) =>
        presentEntryPage(
          await audit.listEntries({
            ...(query.type !== undefined && { type: query.type }),
            ...(query.actor !== undefined && { actor: query.actor }),
            ...(query.from !== undefined && { from: new Date(query.from) }),
            ...(query.to !== undefined && { to: new Date(query.to) }),
            ...(query.before !== undefined && { before: query.before }),
            limit: query.limit,
          }),
        ),
    )
    .route(
      {
        method: 'get',
        path: '/api/me/audit-entries',
        summary:
          'The audit entries about you, newest first, each with an inclusion proof against the latest signed checkpoint',
        tag: 'audit',
        access: ['member', 'researcher'],
        query: ownAuditEntriesQuery,
        success: { status: 200, schema: ownAuditEntryPageSchema, description: 'One page of entries with proofs' },
      },
      async ({ query, actor }) => {
        const page = await audit.listEntries({
          about: actor!.userId,
          ...(query.before !== undefined && { before: query.before }),
          limit: query.limit,
        });
        const checkpoint = await audit.latestCheckpoint();
        const proven = checkpoint ? page.entries.filter((e) => e.seq <= checkpoint.size).map((e) => e.seq) : [];
        const leaves = await audit.leavesOf(proven);
        const bySeq = new Map<number, PresentedInclusion>();
        const paths = checkpoint ? await audit.inclusionProofs(proven, checkpoint.size) : [];
        proven.forEach((seq, i) => {
          const leaf = Buffer.from(leaves.get(seq) ?? '', 'hex').toString('base64');
          bySeq.set(seq, { leafIndex: seq - 1, leaf, auditPath: presentHashes(paths[i]!) });
        });
        return presentEntryPage(page, { checkpoint, bySeq });
      },
    )
    .route(
      {
        method: 'get',
        path: '/api/audit/checkpoints',
        summary: 'Signed checkpoints of the audit log, oldest first from a tree size, with the key that verifies them',
        tag: 'audit',
        access: 'public',
        query: checkpointsQuery,
        success: { status: 200, schema: checkpointsSchema, description: 'Checkpoints, oldest first' },
      },
      async ({ query }) =>
        presentCheckpoints(keys(), await audit.listCheckpoints({ from: query.from, limit: query.limit })),
    )
    .route(
      {
        method: 'get',
        path: '/api/public/audit/checkpoint',
        summary: 'The latest signed checkpoint (C2SP tlog-checkpoint note) and its verifier key: what witnesses cosign',
        tag: 'audit',
        access: 'public',
        success: { status: 200, schema: latestCheckpointSchema, description: 'null before the first checkpoint' },
      },
      async () => {
        const latest = await audit.latestCheckpoint();
        return {
          ...keys(),
          checkpoint: latest && presentCheckpoint(latest),
          witnesses: [...audit.cosignatures.witnessKeys],
          cosignatures: latest ? await audit.cosignatures.of(latest.size) : [],
        };
      },
    )
    .route(
      {
        method: 'post',
        path: '/api/public/audit/cosignatures',
        summary:
          "A configured witness publishes its cosignature of one of this log's checkpoints (checked, then kept beside it)",
        tag: 'audit',
        access: 'public',
        body: cosignatureBody,
        bodyLimitBytes: 1_024,
        success: { status: 201, schema: cosignatureAccepted, description: 'The cosignature as kept' },
        errors: {
          400: 'cosignature_invalid (not a cosignature line, or not valid over that checkpoint)',
          403: 'witness_unknown (not a witness listed in DATACOOP_AUDIT_WITNESSES)',
          404: 'checkpoint_unknown (no checkpoint signed at that size)',
        },
      },
      async ({ body }) => ({ size: body.size, ...(await audit.cosignatures.add(body.size, body.cosignature, now())) }),
    )
    .route(
      {
        method: 'get',
        path: '/api/public/audit/consistency',
        summary:
          'Consistency proof between two tree sizes up to the latest checkpoint: proves the older checkpoint is a prefix of the newer',
        tag: 'audit',
        access: 'public',
        query: consistencyQuery,
        success: { status: 200, schema: consistencySchema, description: 'The proof' },
        errors: { 400: 'proof_out_of_range (from > to, or to beyond the latest checkpoint)' },
      },
      async ({ query }) => {
        const latest = await audit.latestCheckpoint();
        if (query.from > query.to) throw outOfRange('from', 'from must not exceed to.');
        if (!latest || query.to > latest.size) throw outOfRange('to', 'to is beyond the latest checkpoint.');
        const proof = await audit.consistencyProof(query.from, query.to).catch((error: unknown) => {
          throw error instanceof ProofOutOfRange ? outOfRange('to', 'Those entries are not all stored.') : error;
        });
        return { from: query.from, to: query.to, proof: presentHashes(proof) };
      },
    );
}

function outOfRange(field: 'from' | 'to', message: string): InvalidRequest {
  return new InvalidRequest('proof_out_of_range', message, [{ field, code: 'proof_out_of_range', message }]);
}
