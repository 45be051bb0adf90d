// Shapes of the general assembly's endpoints; also the source of their OpenAPI description.
import { z } from 'zod';
import { ballotChoices } from '../../../../policies/assembly/ballot-receipts.js';
import { proposalKinds } from '../../../../policies/assembly/bylaws.js';

export const proposalIdParams = z.object({ id: z.uuid() });

export const listProposalsQuery = z.strictObject({
  status: z
    .enum(['open', 'closed', 'draft', 'announced', 'all'])
    .default('all')
    .describe('closed = closed, approved or rejected; draft is visible to stewards only'),
});

const MAX_DEPTH = 12;

// The database refuses keys with dots, a leading `$` or a NUL byte, and FerretDB 1.24 any array directly inside an
// array (the last two found by the hostile-input suites: they answered 500); refuse them here with a reason.
function storableJson(value: unknown, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) return value.every((item) => !Array.isArray(item) && storableJson(item, depth + 1));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).every(
      ([key, inner]) =>
        key.length > 0 &&
        !key.includes('.') &&
        !key.includes('\u0000') &&
        !key.startsWith('$') &&
        storableJson(inner, depth + 1),
    );
  }
  return true;
}

const jsonObject = (what: string) =>
  z
    .record(z.string(), z.unknown())
    .refine((value) => Object.keys(value).length > 0, `The ${what} must not be empty.`)
    .refine(
      (value) => storableJson(value),
      `The ${what} may nest ${MAX_DEPTH} levels at most, with no array directly inside an array; keys may not be empty, contain "." or NUL, or start with "$".`,
    );

const title = z.string().trim().min(1).max(200);
const summary = z.string().trim().min(1).max(10_000);
const policy = jsonObject('policy').describe('The draft access policy the assembly would approve');
const amendment = jsonObject('amendment').describe('A JSON Merge Patch (RFC 7396) of the bylaws');

export const createProposalBody = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('access-policy'),
    title,
    summary,
    policy,
    targetPolicyId: z.uuid().optional().describe('The policy this one would replace; a new id otherwise'),
  }),
  z.strictObject({ kind: z.literal('revoke-policy'), title, summary, targetPolicyId: z.uuid() }),
  z.strictObject({ kind: z.literal('amend-bylaws'), title, summary, amendment }),
]);

export const editProposalBody = z
  .strictObject({
    title: title.optional(),
    summary: summary.optional(),
    policy: policy.optional(),
    amendment: amendment.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, {
    message: 'Send at least one field to change.',
    when: (payload) => payload.issues.length === 0,
  });

const instant = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value))
  .describe('ISO 8601 instant');

export const openProposalBody = z.strictObject({ closesAt: instant });
export const extendProposalBody = z.strictObject({ closesAt: instant.describe('The new, later deadline') });

export const ballotBody = z.strictObject({
  choice: z.enum(ballotChoices),
  secret: z
    .string()
    .max(128)
    .optional()
    .describe(
      'Secret mode: 64 lowercase hex digits (32 random bytes) drawn and kept by your client; send the same one to change your ballot. Your receipt is SHA-256 of those bytes.',
    ),
});

const iso = z.string().describe('ISO 8601 instant');
const fraction = z.object({ num: z.number().int(), den: z.number().int() });

/** Who asks for an access policy: null when the account is gone (erased) or is no researcher's. */
export const requesterSchema = z
  .object({
    name: z.string(),
    organisation: z.string().nullable(),
    verification: z.enum(['pending', 'verified', 'rejected']).describe('Whether a steward verified the researcher'),
    nonProfit: z.boolean().nullable().describe('As a steward verified it; null until verified'),
  })
  .nullable();

export const proposalSchema = z.object({
  id: z.string(),
  kind: z.enum(proposalKinds),
  status: z.enum(['draft', 'announced', 'open', 'closed', 'approved', 'rejected', 'withdrawn']),
  targetPolicyId: z.string(),
  title: z.string(),
  summary: z.string(),
  policy: z.record(z.string(), z.unknown()).optional(),
  amendment: z.record(z.string(), z.unknown()).optional(),
  requester: requesterSchema
    .optional()
    .describe('GET of one access-policy proposal: who asks, as of now (never the e-mail)'),
  createdAt: iso,
  announcedAt: iso.optional().describe('When it was announced for discussion, if it was'),
  openedAt: iso.optional(),
  closesAt: iso.optional(),
  withdrawnAt: iso.optional(),
  electorate: z.number().int().optional().describe('Electorate size N, fixed at opening'),
  turnout: z.number().int().optional().describe('How many members have voted (never how)'),
  frozen: z
    .object({
      contentDigest: z.string(),
      rules: z.object({
        kind: z.enum(proposalKinds),
        quorum: fraction,
        threshold: fraction,
        thresholdBase: z.enum(['decisive', 'cast']),
        votingWindow: z.object({ minHours: z.number().int(), maxHours: z.number().int() }),
        ballotMode: z.enum(['secret', 'open']),
        bylawsVersion: z.number().int(),
        reminderLeadHours: z.number().int(),
      }),
      rulesDigest: z.string(),
      bylawsVersion: z.number().int(),
      bylawsDigest: z.string(),
    })
    .optional()
    .describe('Content, rules and bylaws version frozen at opening, with their SHA-256 digests'),
  outcome: z
    .object({
      outcome: z.enum(['approved', 'rejected']),
      reason: z.enum(['approved', 'quorum_not_met', 'threshold_not_met', 'tie', 'no_decisive_votes']),
    })
    .optional(),
});

export const proposalListSchema = z.object({ proposals: z.array(proposalSchema) });

export const ballotReceiptSchema = z.object({
  proposalId: z.string(),
  receipt: z.string().describe('SHA-256 of your secret: find it in the published ballot list after close'),
  choice: z.enum(ballotChoices),
  changed: z.boolean().describe('True when this replaced your earlier ballot'),
});

/** Whether an approved motion took effect at its count, with the reason when it could not; null if not approved. */
export const enactmentSchema = z
  .object({
    enacted: z.boolean(),
    reason: z
      .enum([
        'policy_outside_bylaws',
        'policy_id_mismatch',
        'policy_expired',
        'target_not_active',
        'amendment_not_applicable',
      ])
      .optional(),
  })
  .nullable()
  .describe('Approved motions only: enacted, or why not (the bylaws changed meanwhile, the target ended …)');

export const resultsSchema = z.object({
  proposalId: z.string(),
  status: proposalSchema.shape.status,
  electorate: z.number().int(),
  turnout: z.number().int(),
  closesAt: iso,
  finalisesAt: iso.describe('closesAt plus the grace period after which the count is final'),
  result: z
    .object({
      outcome: z.enum(['approved', 'rejected']),
      reason: z.enum(['approved', 'quorum_not_met', 'threshold_not_met', 'tie', 'no_decisive_votes']),
      totals: z.object({
        yes: z.number().int(),
        no: z.number().int(),
        abstain: z.number().int(),
        cast: z.number().int(),
        electorate: z.number().int(),
      }),
      ballots: z.array(z.object({ receipt: z.string(), choice: z.enum(ballotChoices), voter: z.string().optional() })),
      ballotListDigest: z.string().describe('SHA-256 of the lines "<receipt>:<choice>\\n" in receipt order'),
      participation: z
        .array(z.string())
        .nullable()
        .describe('Ids of the members who voted, when enough did (bylaws: publication); never to researchers'),
      finalisedAt: iso,
      enactment: enactmentSchema,
    })
    .nullable()
    .describe('Null while the vote is open or the count is not yet final: only the turnout is shown'),
});

export const pendingVotesSchema = z.object({
  votes: z.array(z.object({ proposal: proposalSchema, closesAt: iso, reminderDue: z.boolean() })),
});

export const remindersSchema = z.object({
  proposalId: z.string(),
  due: z.boolean(),
  remindFrom: iso,
  closesAt: iso,
  membersToRemind: z.number().int(),
});

const bylawsVersionSchema = z.object({
  version: z.number().int(),
  adoptedAt: iso,
  digest: z.string(),
  adoptedByProposal: z.string().nullable(),
});

export const bylawsSchema = z.object({
  inForce: bylawsVersionSchema.extend({ bylaws: z.record(z.string(), z.unknown()) }),
  versions: z.array(bylawsVersionSchema),
});
