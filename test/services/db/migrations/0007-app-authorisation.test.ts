// Migration 0007: the app-authorisation collections get their indexes; running it again changes nothing.
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../../../services/db/connection.js';
import { appAuthorisation } from '../../../../services/db/migrations/0007-app-authorisation.js';
import type { MigrationContext } from '../../../../services/db/migrations/index.js';
import { testDatabaseUri } from '../../../helpers/test-app.js';

let connection: Connection;
const context = () =>
  ({
    db: connection.db!,
    log: () => {},
    progress: undefined,
    saveProgress: async () => {},
  }) as unknown as MigrationContext;

beforeAll(async () => {
  const { uri, dbName } = testDatabaseUri();
  connection = await connectDatabase(uri, { dbName, embedded: !process.env.MONGODB_URI });
});
afterAll(async () => {
  await connection?.dropDatabase().catch(() => {});
  await connection?.close();
});

const keysOf = async (name: string) =>
  (await connection.db!.collection(name).indexes()).map((index) => JSON.stringify(index.key)).sort();

describe('migration 0007 app-authorisation', () => {
  it('indexes grants by member and refresh tokens by grant, idempotently', async () => {
    await appAuthorisation.up(context());
    await appAuthorisation.up(context());
    expect(await keysOf('app_grants')).toEqual(['{"_id":1}', '{"memberId":1,"grantedAt":-1}']);
    expect(await keysOf('app_refresh_tokens')).toEqual(['{"_id":1}', '{"grantId":1}']);
    expect(await keysOf('app_codes')).toEqual(['{"_id":1}', '{"expiresAt":1}']);
  });
});
