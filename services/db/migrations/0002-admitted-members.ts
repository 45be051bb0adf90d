// 0002: membership by admission (issue 12). Until 0.1.0 every registered member was a member at once; from now on
// an account holder is a member only once a steward admits them, and the register keeps an `admission` record.
// Members of a 0.1.0 database keep their rights: each gets the record "admitted at their joinedAt", with the
// method `before-admission` (nobody checked identity or share capital then; the register says so honestly).
import type { Migration } from './migration.js';

/** The 0.1.0 account as this migration reads it (self-contained: never the current model). */
interface AccountBefore {
  _id: string;
  role: string;
  membership?: { joinedAt?: Date };
  admission?: { status: string; appliedAt?: Date; decidedAt?: Date; identityMethod?: string };
}

export const admittedMembers: Migration = {
  version: 2,
  name: 'admitted-members',
  async up(ctx) {
    const users = ctx.db.collection<AccountBefore>('users');
    let after = (ctx.progress as { after?: string } | undefined)?.after ?? '';
    for (;;) {
      const batch = await users
        .find({ _id: { $gt: after } }, { projection: { role: 1, membership: 1, admission: 1 } })
        .sort({ _id: 1 })
        .limit(500)
        .toArray();
      if (batch.length === 0) return;
      for (const user of batch) {
        const joinedAt = user.membership?.joinedAt;
        if (user.role !== 'member' || !joinedAt || user.admission) continue; // idempotent: done before a crash
        await users.updateOne(
          { _id: user._id },
          {
            $set: {
              admission: {
                status: 'admitted',
                appliedAt: joinedAt,
                decidedAt: joinedAt,
                identityMethod: 'before-admission',
              },
            },
          },
        );
      }
      after = batch.at(-1)!._id;
      await ctx.saveProgress({ after });
    }
  },
};
