// 0006: accounts and e-mail (issue 15). Every account gets the language of its e-mail (`locale`, English for
// accounts from before: nobody was asked), and the queue of outgoing mail its index. `emailVerifiedAt` stays absent
// for older accounts: nobody confirmed their address, and the account page says so honestly.
import type { Migration } from './migration.js';

/** The account as this migration reads it (self-contained: never the current model). */
interface AccountBefore {
  _id: string;
  locale?: string;
}

export const accountLocale: Migration = {
  version: 6,
  name: 'account-locale',
  async up(ctx) {
    await ctx.db.collection('mail_queue').createIndex({ status: 1, nextAttemptAt: 1 });
    const users = ctx.db.collection<AccountBefore>('users');
    let after = (ctx.progress as { after?: string } | undefined)?.after ?? '';
    for (;;) {
      const batch = await users
        .find({ _id: { $gt: after } }, { projection: { locale: 1 } })
        .sort({ _id: 1 })
        .limit(500)
        .toArray();
      if (batch.length === 0) return;
      const missing = batch.filter((user) => user.locale === undefined).map((user) => user._id);
      if (missing.length > 0) await users.updateMany({ _id: { $in: missing } }, { $set: { locale: 'en' } });
      after = batch.at(-1)!._id;
      await ctx.saveProgress({ after });
    }
  },
};
