// The receipt outside the page: the downloadable text (what, the receipt, where and how to check, never the secret)
// and the public check of a pasted receipt against a published ballot list.
import { describe, expect, it } from 'vitest';
import { en } from '../../web-components/i18n/en.js';
import { fr } from '../../web-components/i18n/fr.js';
import type { MessageKey } from '../../web-components/i18n/en.js';
import {
  checkReceipt,
  normaliseReceipt,
  receiptFileName,
  receiptFileText,
} from '../../web-components/src/receipt-check.js';

const translate =
  (dictionary: Record<MessageKey, string>) =>
  (key: MessageKey, params: Record<string, string | number> = {}) =>
    dictionary[key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name]));

const input = {
  proposalId: '0b6e4f5c-1d2a-4e3b-9c8d-7a6b5c4d3e2f',
  proposalTitle: 'Heart rate and sleep of shift workers',
  receipt: 'a'.repeat(64),
  origin: 'https://coop.example',
};

describe('receiptFileText', () => {
  it('names the proposal, its id and the receipt, where the count is published and how to check it', () => {
    const text = receiptFileText(input, translate(en));
    expect(text).toContain('Proposal: Heart rate and sleep of shift workers');
    expect(text).toContain(`Proposal id: ${input.proposalId}`);
    expect(text).toContain(`Your receipt: ${input.receipt}`);
    expect(text).toContain('https://coop.example/record');
    expect(text).toContain(`https://coop.example/api/public/proposals/${input.proposalId}`);
    expect(text).toMatch(/^1\. .*\n2\. .*\n3\. .*\n4\. /m);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('is written in the page’s language with no placeholder left', () => {
    const text = receiptFileText(input, translate(fr));
    expect(text).toContain('Proposition\u202f: Heart rate');
    expect(text).toContain('Vérifier un reçu');
    expect(text).not.toMatch(/\{\w+\}/);
    expect(text).not.toContain('How to check');
  });

  it('holds nothing but what it was given: no choice and no secret can appear in it', () => {
    const text = receiptFileText(input, translate(en));
    const hexRuns = text.match(/[0-9a-f]{32,}/g) ?? [];
    expect(hexRuns).toEqual([input.receipt]);
    expect(text).not.toMatch(/\b(yes|no|abstain)\b/i);
  });
});

describe('receiptFileName', () => {
  it('says what the file is and for which proposal', () => {
    expect(receiptFileName(input.proposalId)).toBe('datacoop-receipt-0b6e4f5c.txt');
  });
});

describe('normaliseReceipt', () => {
  it.each([
    [` ${'AB'.repeat(32)}\n`, 'ab'.repeat(32)],
    [`${'ab'.repeat(16)} ${'cd'.repeat(16)}`, `${'ab'.repeat(16)}${'cd'.repeat(16)}`],
    ['ab'.repeat(31), null],
    ['ab'.repeat(33), null],
    [`${'ab'.repeat(31)}zz`, null],
    ['', null],
  ])('reads %j as %j', (pasted, expected) => {
    expect(normaliseReceipt(pasted)).toBe(expected);
  });
});

describe('checkReceipt', () => {
  const ballots = [
    { receipt: '1'.repeat(64), choice: 'no' as const },
    { receipt: '2'.repeat(64), choice: 'yes' as const },
  ];

  it('finds a counted receipt with its choice', () => {
    expect(checkReceipt(ballots, '2'.repeat(64))).toEqual({ found: true, choice: 'yes' });
  });

  it('does not find a receipt by its first characters only', () => {
    expect(checkReceipt(ballots, `${'2'.repeat(63)}3`)).toEqual({ found: false });
  });
});
