import { type Bylaws, type KindRules, type ProposalKind, reminderLeadHoursFor } from './bylaws.js';
import { contentDigest } from '../shared/canonical-digest.js';

// What a proposal needs to be run and counted, copied out of the bylaws so later amendments cannot reach it.
export interface ProposalRules extends Omit<KindRules, 'reminderLeadHours'> {
  readonly kind: ProposalKind;
  readonly bylawsVersion: number;
  readonly reminderLeadHours: number;
}

// The rules frozen into a proposal of `kind` when it opens under `bylaws` (pick those with bylawsInForce).
export function rulesForProposal(bylaws: Bylaws, kind: ProposalKind): ProposalRules {
  const { quorum, threshold, thresholdBase, votingWindow, ballotMode } = bylaws.proposalKinds[kind];
  return Object.freeze({
    quorum,
    threshold,
    thresholdBase,
    votingWindow,
    ballotMode,
    kind,
    bylawsVersion: bylaws.version,
    reminderLeadHours: reminderLeadHoursFor(bylaws, kind),
  });
}

// Digest stored beside the frozen rules, so anyone can check they were not edited after opening.
export function rulesDigest(rules: ProposalRules): string {
  return contentDigest(rules);
}
