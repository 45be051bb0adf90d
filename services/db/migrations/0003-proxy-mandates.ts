// 0003: proxies at the general assembly (issue 12, Art. 886 CO). A new collection `proxy_mandates` (one document per
// member and proposal, `_id` `<proposal>:<member>`), looked up by proposal; register entries may carry
// `castBy: 'proxy'` and ballot-box entries a `proxyTag`. Existing entries are the members' own ballots and keep
// their meaning without either field, so nothing is rewritten: this creates the collection and its index.
import type { Migration } from './migration.js';

export const proxyMandates: Migration = {
  version: 3,
  name: 'proxy-mandates',
  async up(ctx) {
    const existing = await ctx.db.listCollections({ name: 'proxy_mandates' }, { nameOnly: true }).toArray();
    if (existing.length === 0) {
      await ctx.db.createCollection('proxy_mandates').catch((error: { codeName?: string }) => {
        // Idempotent: another runner or a crashed attempt created it first.
        if (error.codeName !== 'NamespaceExists') throw error;
      });
    }
    await ctx.db.collection('proxy_mandates').createIndex({ proposalId: 1 });
    ctx.log('proxy_mandates ready');
  },
};
