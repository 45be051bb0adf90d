// Storage of service keys (e-mail index key, token and audit signing keys), always wrapped by the master key.
import { Schema, type Connection, type Model } from 'mongoose';

export interface KeyringDocument {
  _id: string;
  purpose: 'blind-index' | 'token-signing' | 'audit-signing';
  /** The secret, sealed under the master key with this document's id as associated data. */
  wrapped: Buffer;
  /** Public half for signing keys (a JWK), published at /.well-known/jwks.json. */
  publicJwk?: Record<string, unknown>;
  createdAt: Date;
}

const keyringSchema = new Schema<KeyringDocument>(
  {
    _id: { type: String, required: true },
    purpose: { type: String, required: true, enum: ['blind-index', 'token-signing', 'audit-signing'] },
    wrapped: { type: Buffer, required: true },
    publicJwk: { type: Schema.Types.Mixed },
    createdAt: { type: Date, required: true },
  },
  { collection: 'keyring', versionKey: false },
);

/** The keyring model bound to a connection. */
export function keyringModel(connection: Connection): Model<KeyringDocument> {
  return connection.models.Keyring ?? connection.model<KeyringDocument>('Keyring', keyringSchema);
}
