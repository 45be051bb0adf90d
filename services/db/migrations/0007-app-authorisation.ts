// 0007: app authorisation (issue 17, SMART on FHIR). New collections only — registered apps, members' grants,
// authorization codes, refresh tokens and their single-use claims — so nothing older is rewritten: this creates the
// indexes their reads use. On FerretDB 1.24 only `_id` reads use an index (docs/database-compatibility.md); these
// serve MongoDB, and cost nothing there until the collections fill. No TTL index (FerretDB has none): expired codes
// and refresh tokens are refused by their `expiresAt`.
import type { Migration } from './migration.js';

export const appAuthorisation: Migration = {
  version: 7,
  name: 'app-authorisation',
  async up(ctx) {
    // createIndex is idempotent: running again, after a crash, changes nothing.
    await ctx.db.collection('app_grants').createIndex({ memberId: 1, grantedAt: -1 });
    await ctx.db.collection('app_refresh_tokens').createIndex({ grantId: 1 });
    await ctx.db.collection('app_codes').createIndex({ expiresAt: 1 });
    await ctx.db.collection('apps').createIndex({ createdAt: -1 });
  },
};
