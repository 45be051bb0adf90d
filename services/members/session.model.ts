// Log-in sessions and their rotating refresh tokens (stored only as hashes).
import { Schema, type Connection, type Model } from 'mongoose';

/** One log-in: a family of refresh tokens. Revoking it ends every token of the family at once. */
export interface SessionDocument {
  _id: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  /** When the session's log-in passed a second factor (absent: password only). */
  secondFactorAt?: Date;
  /** The session's last step-up re-authentication (absent: none since the log-in at `createdAt`). */
  authenticatedAt?: Date;
  revokedAt?: Date;
  revokedReason?: 'logout' | 'refresh_token_reuse' | 'account_erased' | 'role_changed' | 'password_reset';
}

/** One refresh token, identified by the SHA-256 of its value; used once (claimed in `claims`), then replaced. */
export interface RefreshTokenDocument {
  _id: string;
  sessionId: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
}

const sessionSchema = new Schema<SessionDocument>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    revokedAt: Date,
    revokedReason: String,
    secondFactorAt: Date,
    authenticatedAt: Date,
  },
  { collection: 'sessions', versionKey: false },
);
sessionSchema.index({ userId: 1 });

const refreshTokenSchema = new Schema<RefreshTokenDocument>(
  {
    _id: { type: String, required: true },
    sessionId: { type: String, required: true },
    userId: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'refresh_tokens', versionKey: false },
);
refreshTokenSchema.index({ sessionId: 1 });

/** The session model bound to a connection. */
export function sessionModel(connection: Connection): Model<SessionDocument> {
  return connection.models.Session ?? connection.model<SessionDocument>('Session', sessionSchema);
}

/** The refresh-token model bound to a connection. */
export function refreshTokenModel(connection: Connection): Model<RefreshTokenDocument> {
  return connection.models.RefreshToken ?? connection.model<RefreshTokenDocument>('RefreshToken', refreshTokenSchema);
}
