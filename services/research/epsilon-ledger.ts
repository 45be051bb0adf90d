// The ε budget of each policy as a ledger of numbered entries: entry n of a policy is `<policy>:<n>` and carries
// the cumulative spend after it. A debit reads the newest entry n and inserts n + 1 with cumulative + cost, if
// that stays within the budget. Only a claim (a unique insert, db/claims.ts) decides a race, never a conditional
// update or `$inc`: the loser of a position re-reads the winner's entry and tries the next one with the new
// cumulative, so the sum of all debits can never pass the budget.
import type { Connection, mongo } from 'mongoose';
import { debitBudget } from '../../policies/research/privacy.js';
import { claimOnce } from '../db/claims.js';
import { LEDGER_COLLECTION, type LedgerEntry, type LedgerHint } from './research.model.js';

const MAX_ATTEMPTS = 256;

export type DebitResult =
  | { ok: true; position: number; remainingMicro: number }
  | { ok: false; reason: 'budget_exhausted' | 'invalid_epsilon'; remainingMicro: number };

/** Reads and debits the per-policy ε ledgers. */
export class EpsilonLedger {
  private readonly entries: mongo.Collection<LedgerEntry | LedgerHint>;

  constructor(connection: Connection) {
    this.entries = connection.collection<LedgerEntry | LedgerHint>(LEDGER_COLLECTION);
  }

  /** The newest entry's position and cumulative spend (0, 0 before the first debit). */
  async newest(policyId: string): Promise<{ n: number; spentMicro: number }> {
    const hint = (await this.entries.findOne({ _id: `${policyId}:hint` })) as LedgerHint | null;
    let n = hint?.n ?? 0;
    let entry = n > 0 ? ((await this.entries.findOne({ _id: `${policyId}:${n}` })) as LedgerEntry | null) : null;
    for (;;) {
      const next = (await this.entries.findOne({ _id: `${policyId}:${n + 1}` })) as LedgerEntry | null;
      if (!next) break;
      entry = next;
      n += 1;
    }
    return { n, spentMicro: entry?.cumulativeMicro ?? 0 };
  }

  /** What is left of `budgetMicro`. */
  async remaining(policyId: string, budgetMicro: number): Promise<number> {
    return Math.max(0, budgetMicro - (await this.newest(policyId)).spentMicro);
  }

  /** Debits `costMicro` if it fits; exact under any number of concurrent debits from any number of instances. */
  async debit(
    policyId: string,
    budgetMicro: number,
    costMicro: number,
    queryId: string,
    now: Date,
  ): Promise<DebitResult> {
    let { n, spentMicro } = await this.newest(policyId);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const check = debitBudget(budgetMicro - spentMicro, costMicro);
      if (!check.ok) return check;
      const entry = { policyId, n: n + 1, costMicro, cumulativeMicro: spentMicro + costMicro, queryId, at: now };
      if (await claimOnce(this.entries as unknown as mongo.Collection<mongo.Document>, `${policyId}:${n + 1}`, entry)) {
        await this.entries
          .updateOne({ _id: `${policyId}:hint` }, { $max: { n: n + 1 } }, { upsert: true })
          .catch(() => {});
        return { ok: true, position: n + 1, remainingMicro: check.remainingMicro };
      }
      // Someone else took position n + 1: continue from the chain as it stands now.
      ({ n, spentMicro } = await this.newest(policyId));
    }
    throw new Error('epsilon ledger: no free position after many attempts');
  }
}
