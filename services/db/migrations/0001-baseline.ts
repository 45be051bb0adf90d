// 0001 baseline: a database written by Datacoop 0.1.0 (or a new, empty one) becomes schema version 1.
//
// 0.1.0 kept no schema record; its stored format is described by the `schemaVersion: 1` of every account and by
// the version byte 1 (ChaCha20-Poly1305) that starts every sealed value. This migration writes nothing but the
// record the runner adds: it only checks that the data is in that format, so that a database from elsewhere (or
// from a newer Datacoop that lost its record) is refused before anything reads or writes it.
import type { mongo } from 'mongoose';
import type { Migration } from './migration.js';

/** Collections Datacoop 0.1.0 writes; anything else is reported (an operator's own collection is not an error). */
const KNOWN_COLLECTIONS = new Set([
  'audit_checkpoints',
  'audit_head',
  'audit_log',
  'ballot_box',
  'bylaws_versions',
  'claims',
  'cohort_insights',
  'consent_versions',
  'epsilon_ledger',
  'erasures',
  'keyring',
  'login_throttle',
  'participation_register',
  'policy_keys',
  'proposal_outcomes',
  'proposal_transitions',
  'proposals',
  'refresh_tokens',
  'research_queries',
  'research_requests',
  'research_throttle',
  'revocations',
  'schema_migrations',
  'sessions',
  'users',
  'vault_chunks',
  'vault_heads',
  'vault_idempotency',
  'vault_instances',
]);
const KEYRING_PURPOSES = new Set(['blind-index', 'token-signing', 'audit-signing']);
/** First byte of every value sealed by services/crypto/aead.ts in 0.1.0. */
const SEALED_FORMAT_V1 = 1;

/** Raised when the database is not one Datacoop 0.1.0 wrote; nothing has been changed. */
export class UnknownDatabaseFormat extends Error {
  override name = 'UnknownDatabaseFormat';
}

export const baseline: Migration = {
  version: 1,
  name: 'baseline',
  async up(ctx) {
    const names = (await ctx.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    const unknown = names.filter((name) => !KNOWN_COLLECTIONS.has(name) && !name.startsWith('system.'));
    if (unknown.length > 0) ctx.log(`collections Datacoop does not use (left untouched): ${unknown.join(', ')}`);
    const problems = [...(await checkAccounts(ctx.db)), ...(await checkKeyring(ctx.db))];
    if (problems.length > 0) {
      throw new UnknownDatabaseFormat(
        `this database is not in the format of Datacoop 0.1.0 (${problems.join('; ')}); nothing was changed`,
      );
    }
  },
};

/** Every account has `schemaVersion: 1` and its wrapped key and sealed profile in sealed format 1. */
async function checkAccounts(db: mongo.Db): Promise<string[]> {
  let wrongSchema = 0;
  let wrongSealed = 0;
  const accounts = db
    .collection('users')
    .find({}, { projection: { schemaVersion: 1, wrappedKey: 1, profile: 1 } })
    .batchSize(1_000);
  for await (const account of accounts) {
    if (account.schemaVersion !== 1) wrongSchema++;
    if (!isSealedV1(account.wrappedKey) || !isSealedV1(account.profile)) wrongSealed++;
  }
  return [
    ...(wrongSchema > 0 ? [`${wrongSchema} account(s) with a schemaVersion other than 1`] : []),
    ...(wrongSealed > 0 ? [`${wrongSealed} account(s) whose key or profile is not sealed in format 1`] : []),
  ];
}

/** Every keyring entry has a known purpose and a secret in sealed format 1. */
async function checkKeyring(db: mongo.Db): Promise<string[]> {
  const entries = await db.collection('keyring').find({}).toArray();
  const wrong = entries.filter((entry) => !KEYRING_PURPOSES.has(String(entry.purpose)) || !isSealedV1(entry.wrapped));
  return wrong.length > 0 ? [`${wrong.length} keyring entr(y/ies) of an unknown kind or format`] : [];
}

function isSealedV1(value: unknown): boolean {
  const bytes = value as { buffer?: Uint8Array } | Uint8Array | null | undefined;
  const raw = bytes instanceof Uint8Array ? bytes : bytes?.buffer;
  return raw instanceof Uint8Array && raw.length > 0 && raw[0] === SEALED_FORMAT_V1;
}
