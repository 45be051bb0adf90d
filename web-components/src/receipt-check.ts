// The ballot receipt outside the page: the text file a member downloads (what was voted on, the receipt, where the
// count is published and how to check it) and the check on the public record (a pasted receipt looked up in the
// published list, in this browser: the receipt is never sent to the service). Pure, so it is tested without a page.
import type { MessageKey } from '../i18n/en.js';

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export interface ReceiptFileInput {
  proposalId: string;
  proposalTitle: string;
  receipt: string;
  /** Where the service is reached, e.g. https://coop.example (no trailing slash). */
  origin: string;
}

/** The downloadable receipt: a few lines of plain text, never the ballot secret nor the choice. */
export function receiptFileText(input: ReceiptFileInput, t: Translate): string {
  const record = `${input.origin}/record`;
  const list = `${input.origin}/api/public/proposals/${input.proposalId}`;
  return `${[
    t('receiptFile.heading'),
    '',
    t('receiptFile.proposal', { title: input.proposalTitle }),
    t('receiptFile.proposalId', { id: input.proposalId }),
    t('receiptFile.receipt', { receipt: input.receipt }),
    '',
    t('receiptFile.where'),
    `  ${record}`,
    `  ${list}`,
    '',
    t('receiptFile.how'),
    `1. ${t('receiptFile.step1', { url: record })}`,
    `2. ${t('receiptFile.step2')}`,
    `3. ${t('receiptFile.step3')}`,
    `4. ${t('receiptFile.step4', { url: list })}`,
    '',
    t('receiptFile.private'),
  ].join('\n')}\n`;
}

/** A file name that says what it is and for which proposal (the id's first block keeps it short). */
export function receiptFileName(proposalId: string): string {
  return `datacoop-receipt-${proposalId.slice(0, 8)}.txt`;
}

/** A pasted receipt as the list spells it: spaces and line breaks removed, lower case; null if it is not one. */
export function normaliseReceipt(input: string): string | null {
  const compact = input.replace(/\s+/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(compact) ? compact : null;
}

export type ReceiptCheck = { found: true; choice: 'yes' | 'no' | 'abstain' } | { found: false };

/** Whether a receipt is in a published ballot list, and as what it was counted. */
export function checkReceipt(
  ballots: readonly { receipt: string; choice: 'yes' | 'no' | 'abstain' }[],
  receipt: string,
): ReceiptCheck {
  const ballot = ballots.find((b) => b.receipt === receipt);
  return ballot ? { found: true, choice: ballot.choice } : { found: false };
}
