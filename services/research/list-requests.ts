// Reading access requests: a researcher sees their own, a steward sees all, each with where its proposal stands.
import type { TallyReason } from '../../policies/assembly/tally.js';
import type { Assembly, ProposalView } from '../assembly/index.js';
import type { Actor } from '../auth/index.js';
import { NotFound } from '../errors.js';
import type { RequestStore } from './request-store.js';
import type { ResearchRequestDocument } from './research.model.js';

/** Where the proposal made of a request stands: its status now and, once counted, the outcome and its reason. */
export interface RequestProposalState {
  status: ProposalView['status'];
  outcome: { outcome: 'approved' | 'rejected'; reason: TallyReason } | null;
}

/** A request as listed: the stored document and the state of its proposal (null while none was made of it). */
export interface ListedRequest {
  document: ResearchRequestDocument;
  proposal: RequestProposalState | null;
}

/**
 * Requests: a researcher sees their own, a steward sees all, each with its proposal's status read at `now` (the
 * researcher may know where their own request stands, a draft or a withdrawal included: it is their request).
 */
export async function listRequests(
  requests: RequestStore,
  assembly: Pick<Assembly, 'get'>,
  actor: Actor,
  now: Date,
): Promise<ListedRequest[]> {
  const documents = await requests.list(actor.role === 'steward' ? null : actor.userId);
  return Promise.all(
    documents.map(async (document) => ({ document, proposal: await proposalState(assembly, document, now) })),
  );
}

async function proposalState(
  assembly: Pick<Assembly, 'get'>,
  document: ResearchRequestDocument,
  now: Date,
): Promise<RequestProposalState | null> {
  if (!document.proposalId) return null;
  const view = await assembly.get(document.proposalId, now, 'steward').catch((error: unknown) => {
    if (error instanceof NotFound) return null;
    throw error;
  });
  if (!view) return null;
  return {
    status: view.status,
    outcome: view.outcome ? { outcome: view.outcome.outcome, reason: view.outcome.reason } : null,
  };
}

/** One request; another researcher's is 404. */
export async function getRequest(requests: RequestStore, actor: Actor, id: string): Promise<ResearchRequestDocument> {
  const document = await requests.find(id);
  if (!document || (actor.role !== 'steward' && document.researcherId !== actor.userId)) throw new NotFound();
  return document;
}
