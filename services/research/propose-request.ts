// A steward turns a request into an access-policy draft, once (a claim), with the (coarse, stored once) impact preview of its policy.
import { randomUUID } from 'node:crypto';
import type { Assembly, ProposalView } from '../assembly/index.js';
import { Conflict, NotFound } from '../errors.js';
import type { CohortDeps } from './cohort.js';
import type { ResearchAudit } from './decision-gate.js';
import { policyFromRequest } from './file-request.js';
import { type ImpactPreview, snapshotImpact } from './impact-preview.js';
import type { ImpactSnapshots } from './impact-snapshots.js';
import type { RequestStore } from './request-store.js';

export interface ProposeDeps {
  requests: RequestStore;
  assembly: Pick<Assembly, 'bylawsInForce' | 'createDraft'>;
  audit: ResearchAudit;
  cohort: CohortDeps;
  snapshots: ImpactSnapshots;
}

/** A steward turns a request into an access-policy draft (once), with the (coarse, stored once) impact preview of its policy. */
export async function proposeRequest(
  deps: ProposeDeps,
  id: string,
  stewardId: string,
  now: Date,
): Promise<{ proposal: ProposalView; impact: ImpactPreview }> {
  const document = await deps.requests.find(id);
  if (!document) throw new NotFound();
  const policyId = randomUUID();
  const policy = await policyFromRequest(deps.assembly, policyId, document.researcherId, document.request, now);
  if (!(await deps.requests.claimProposal(id, now))) {
    throw new Conflict('request_already_proposed', 'This request has already been turned into a proposal.');
  }
  let proposal: ProposalView;
  try {
    proposal = await deps.assembly.createDraft(
      {
        kind: 'access-policy',
        // The requesting researcher may then read and post in the proposal's discussion (assembly/discussion.ts).
        requestedBy: document.researcherId,
        title: document.request.title,
        summary: document.request.purpose,
        targetPolicyId: policyId,
        policy: policy as unknown as Record<string, unknown>,
      },
      stewardId,
      now,
    );
  } catch (error) {
    await deps.requests.releaseProposal(id).catch(() => {});
    throw error;
  }
  await deps.requests.markProposed(id, proposal.proposal._id, policyId, now);
  await deps.audit.append(
    'research.request.proposed',
    stewardId,
    { requestId: id, proposalId: proposal.proposal._id, policyId },
    now,
  );
  // The steward's preview is the draft's one snapshot: later reads of the draft return it, never a recount.
  return { proposal, impact: await snapshotImpact(deps, proposal.proposal._id, policy, 'draft', now) };
}
