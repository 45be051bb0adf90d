// The stored shapes of app authorisation and their collections. Every secret (client secret, authorization code,
// refresh token) is stored only as its SHA-256: they are 256-bit random values, so a hash is enough to make a stolen
// database useless for calling the API. Grants hold no personal value: member id, app id, scopes and instants.
import { createHash } from 'node:crypto';
import type { Connection, mongo } from 'mongoose';
import type { AppScope } from './domain/oauth-rules.js';

/** A registered app (an OAuth client). `_id` is its `client_id`. */
export interface AppDocument {
  _id: string;
  name: string;
  redirectUris: string[];
  scopes: AppScope[];
  /** Confidential clients only: SHA-256 (hex) of the client secret, shown once at registration. */
  secretHash?: string;
  createdAt: Date;
  createdBy: string;
  disabledAt?: Date;
}

/** A member's consent to one app: what it may do, since when, last used when; revoked ends every token of it. */
export interface GrantDocument {
  _id: string;
  appId: string;
  memberId: string;
  scopes: AppScope[];
  grantedAt: Date;
  lastUsedAt?: Date;
  revokedAt?: Date;
  revokedBecause?: 'member' | 'code_reused' | 'refresh_reused' | 'client';
}

/** An authorization code, single use, bound to everything of its request. `_id` is the code's hash. */
export interface CodeDocument {
  _id: string;
  grantId: string;
  appId: string;
  memberId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: AppScope[];
  expiresAt: Date;
}

/** A refresh token of a grant, single use (rotated). `_id` is the token's hash. */
export interface RefreshDocument {
  _id: string;
  grantId: string;
  appId: string;
  memberId: string;
  scopes: AppScope[];
  issuedAt: Date;
  expiresAt: Date;
}

export interface AppCollections {
  apps: mongo.Collection<AppDocument>;
  grants: mongo.Collection<GrantDocument>;
  codes: mongo.Collection<CodeDocument>;
  refreshTokens: mongo.Collection<RefreshDocument>;
  /** Claims `code:<hash>` and `refresh:<hash>`: a code or refresh token is used by exactly one request. */
  uses: mongo.Collection<mongo.Document>;
}

export const APP_COLLECTION_NAMES = {
  apps: 'apps',
  grants: 'app_grants',
  codes: 'app_codes',
  refreshTokens: 'app_refresh_tokens',
  uses: 'app_token_uses',
} as const;

/** The context's collections on a connection. */
export function appCollections(connection: Connection): AppCollections {
  return {
    apps: connection.collection<AppDocument>(APP_COLLECTION_NAMES.apps),
    grants: connection.collection<GrantDocument>(APP_COLLECTION_NAMES.grants),
    codes: connection.collection<CodeDocument>(APP_COLLECTION_NAMES.codes),
    refreshTokens: connection.collection<RefreshDocument>(APP_COLLECTION_NAMES.refreshTokens),
    uses: connection.collection(APP_COLLECTION_NAMES.uses),
  };
}

/** The stored form of a random secret. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
