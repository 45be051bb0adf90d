// 0003: proxies and deliberation at the general assembly (issue 12). New collections, each with its look-up index:
// `proxy_mandates` (one document per member and proposal, `_id` `<proposal>:<member>`), `proposal_announcements`
// (`_id` the proposal id) and `proposal_posts` (the discussion threads). Register entries may now carry
// `castBy: 'proxy'` and ballot-box entries a `proxyTag`; existing entries are members' own ballots and keep their
// meaning without either field, so nothing is rewritten. Idempotent: creating what exists is skipped.
import type { Migration } from './migration.js';

const COLLECTIONS: readonly { name: string; index: Record<string, 1> | null }[] = [
  { name: 'proxy_mandates', index: { proposalId: 1 } },
  { name: 'proposal_announcements', index: null },
  { name: 'proposal_posts', index: { proposalId: 1, postedAt: 1 } },
];

export const proxiesAndDiscussion: Migration = {
  version: 4,
  name: 'proxies-and-discussion',
  async up(ctx) {
    for (const { name, index } of COLLECTIONS) {
      const existing = await ctx.db.listCollections({ name }, { nameOnly: true }).toArray();
      if (existing.length === 0) {
        await ctx.db.createCollection(name).catch((error: { codeName?: string }) => {
          // Another runner or a crashed attempt created it first.
          if (error.codeName !== 'NamespaceExists') throw error;
        });
      }
      if (index) await ctx.db.collection(name).createIndex(index);
    }
    ctx.log('proxy_mandates, proposal_announcements and proposal_posts ready');
  },
};
