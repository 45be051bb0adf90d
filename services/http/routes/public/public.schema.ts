// Shapes of the public record's endpoints (no sign-in); also the source of their OpenAPI description.
import { z } from 'zod';
import { checkpointSchema } from '../audit/audit.schema.js';
import { ballotChoices } from '../../../../policies/assembly/ballot-receipts.js';
import { proposalKinds } from '../../../../policies/assembly/bylaws.js';
import { enactmentSchema, proposalIdParams } from '../proposals/proposals.schema.js';

export { proposalIdParams };

const iso = z.string().describe('ISO 8601 UTC instant');

const totalsSchema = z.object({
  yes: z.number().int(),
  no: z.number().int(),
  abstain: z.number().int(),
  cast: z.number().int(),
  electorate: z.number().int(),
});

export const publicPolicySchema = z.object({
  id: z.string(),
  version: z.number().int(),
  title: z.string(),
  status: z.enum(['active', 'expired', 'revoked', 'superseded']),
  organisation: z.string().nullable().describe('Who asks: the researcher’s organisation, never the account'),
  purpose: z.string(),
  categories: z.array(z.string()),
  level: z.enum(['aggregate', 'pseudonymised']),
  statistics: z.array(z.string()),
  groupBy: z.array(z.string()),
  period: z.object({ from: iso, to: iso }),
  validUntil: iso,
  approvedAt: iso,
  revokedAt: iso.nullable(),
  proposalId: z.string(),
  epsilonBudget: z.number(),
  epsilonSpent: z.number(),
  minCellSize: z.number().int(),
});

export const publicRequestSchema = z.object({
  id: z.string(),
  title: z.string(),
  purpose: z.string(),
  organisation: z.string().nullable(),
  categories: z.array(z.string()),
  level: z.string(),
  filedAt: iso,
  status: z
    .enum(['filed', 'draft', 'open', 'closed', 'approved', 'rejected', 'withdrawn'])
    .describe('filed until a proposal is opened on it, then the proposal’s status'),
  proposalId: z.string().nullable(),
});

export const publicProposalSchema = z.object({
  id: z.string(),
  kind: z.enum(proposalKinds),
  title: z.string(),
  summary: z.string(),
  targetPolicyId: z.string(),
  openedAt: iso,
  closesAt: iso,
  electorate: z.number().int(),
  outcome: z.enum(['approved', 'rejected']),
  reason: z.enum(['approved', 'quorum_not_met', 'threshold_not_met', 'tie', 'no_decisive_votes']),
  totals: totalsSchema,
  ballotListDigest: z.string(),
  bylawsVersion: z.number().int(),
  finalisedAt: iso,
  enactment: enactmentSchema,
});

export const publicRecordSchema = z.object({
  at: iso,
  policies: z.array(publicPolicySchema),
  requests: z.array(publicRequestSchema),
  proposals: z.array(publicProposalSchema).describe('Counted proposals only, newest first'),
  checkpoints: z.object({
    verifierKey: z.string().describe('C2SP verifier key string that verifies every checkpoint (pinned at first start)'),
    publicKey: z.record(z.string(), z.unknown()).describe('The same Ed25519 key as a JWK'),
    list: z.array(checkpointSchema).describe('The newest signed checkpoints, newest first'),
  }),
});

export const publicResultsSchema = z.object({
  proposal: publicProposalSchema,
  ballots: z
    .array(z.object({ receipt: z.string(), choice: z.enum(ballotChoices) }))
    .describe('Every counted ballot by receipt, in receipt order: recount it, and find yours'),
});
