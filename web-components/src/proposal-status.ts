// A proposal's status in words, the same on every page: announced, open, closed and counting, closed approved,
// and closed rejected with its reason (quorum not met, majority not reached …).
import type { Proposal } from '../api/types.js';
import { t } from '../i18n/i18n.js';

/** The status line of a proposal; a rejection carries its reason. */
export function statusText(proposal: Pick<Proposal, 'status' | 'outcome'>): string {
  if (proposal.status === 'rejected' && proposal.outcome) {
    return t('card.rejectedBecause', { reason: t(`reason.${proposal.outcome.reason}`) });
  }
  return t(`status.${proposal.status}`);
}
