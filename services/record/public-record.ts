// The cooperative's public record, read without sign-in: what the assembly decided and what research may do under
// it. Assembled from the other contexts' interfaces only; it reads, never writes (no finalisation is skipped, and
// no checkpoint is written: reading the audit's checkpoints is a plain read).
import type { AuditLog, PublishedCheckpoint } from '../audit/index.js';
import type { Assembly, Enactment, ProposalView, PublishedResults } from '../assembly/index.js';
import type { Members } from '../members/index.js';
import type { ApprovedPolicy, Research, ResearchRequestDocument } from '../research/index.js';
import { NotFound } from '../errors.js';

export interface PublicRecordDeps {
  assembly: Pick<Assembly, 'list' | 'results' | 'enactmentsOf'>;
  research: Pick<Research, 'listPolicies' | 'budgetOf' | 'allRequests'>;
  audit: Pick<AuditLog, 'recentCheckpoints' | 'publicJwk' | 'verifierKey'>;
  /** Only for the organisation a researcher named (never anything else of the account). */
  members: Pick<Members, 'getAccount'>;
}

export interface PolicyRecord {
  approved: ApprovedPolicy;
  organisation: string | null;
  budget: { total: number; remaining: number };
}

export interface RequestRecord {
  request: ResearchRequestDocument;
  organisation: string | null;
  /** filed (no proposal yet), or the status of the proposal made of it. */
  status: 'filed' | ProposalView['status'];
}

export interface ProposalRecord {
  view: ProposalView;
  enactment: Enactment;
}

export interface PublicRecord {
  policies: PolicyRecord[];
  requests: RequestRecord[];
  proposals: ProposalRecord[];
  checkpoints: { verifierKey: string; publicKey: Record<string, unknown>; list: PublishedCheckpoint[] };
}

/** How many of the newest checkpoints the record lists (all of them: GET /api/audit/checkpoints). */
const RECENT_CHECKPOINTS = 20;

const counted = new Set<ProposalView['status']>(['approved', 'rejected']);

/** Everything the public record shows, as of `now`. */
export async function publicRecord(deps: PublicRecordDeps, now: Date): Promise<PublicRecord> {
  // Proposals as members see them (drafts excluded); only counted ones are in the record.
  const [views, approved, requests, checkpoints] = await Promise.all([
    deps.assembly.list('all', now, 'member'),
    deps.research.listPolicies(now, 'all'),
    deps.research.allRequests(),
    deps.audit.recentCheckpoints(RECENT_CHECKPOINTS),
  ]);
  const closed = views.filter((v) => counted.has(v.status) && v.transition && v.outcome);
  const enactments = await deps.assembly.enactmentsOf(
    closed.map((v) => ({ transition: v.transition!, outcome: v.outcome })),
    now,
  );
  const statusById = new Map(views.map((v) => [v.proposal._id, v.status]));
  const organisations = new Map<string, Promise<string | null>>();
  const organisationOf = (id: string) => {
    if (!organisations.has(id)) organisations.set(id, organisationNamed(deps, id));
    return organisations.get(id)!;
  };
  return {
    policies: await Promise.all(
      approved.map(async (p) => ({
        approved: p,
        organisation: await organisationOf(p.policy.grantee),
        budget: await deps.research.budgetOf(p.policy),
      })),
    ),
    requests: await Promise.all(
      requests.map(async (request) => ({
        request,
        organisation: await organisationOf(request.researcherId),
        // A request whose proposal is still a draft reads as filed: drafts are the stewards' working copies.
        status: (request.proposalId && statusById.get(request.proposalId)) || 'filed',
      })),
    ),
    proposals: closed.map((view) => ({ view, enactment: enactments.get(view.proposal._id) ?? null })),
    checkpoints: { verifierKey: deps.audit.verifierKey, publicKey: { ...deps.audit.publicJwk }, list: checkpoints },
  };
}

/** One counted proposal's published results (ballot list by receipt and its digest); 404 until it is counted. */
export async function publicResults(deps: PublicRecordDeps, id: string, now: Date): Promise<PublishedResults> {
  // Viewed as a researcher would: outcomes and ballots, never the participation list.
  const results = await deps.assembly.results(id, now, 'researcher').catch((error: unknown) => {
    if ((error as { status?: number }).status === 409) throw new NotFound();
    throw error;
  });
  if (!results.view.outcome || !results.ballots) throw new NotFound();
  return results;
}

async function organisationNamed(deps: PublicRecordDeps, accountId: string): Promise<string | null> {
  try {
    const account = await deps.members.getAccount(accountId);
    return account.role === 'researcher' ? (account.profile.organisation ?? null) : null;
  } catch (error) {
    if (error instanceof NotFound) return null;
    throw error;
  }
}
