// Log-in throttling records (see login-throttle.ts), shared by every service instance through the database.
import { Schema, type Connection, type Model } from 'mongoose';

/**
 * One record, keyed by blind indexes only (no plaintext e-mail or IP):
 * - `fail:<pair|account>:…:<uuid>` one failure (`key` is its subject, `at` its time), inserted, never updated;
 * - `turn:<key>:<failures>:<last>` the one attempt let through after that failure (a claim);
 * - `known:<account>:<address>` the account logged in from that address (exempt from the address budget);
 * - `ip:<address>:<window start>:<slot or "hint">` the address's attempts in a window (db/claims.ts).
 * Every record has `expiresAt` and is swept after it.
 */
export interface ThrottleDocument {
  _id: string;
  expiresAt: Date;
  key?: string;
  at?: Date;
  taken?: number;
}

const throttleSchema = new Schema<ThrottleDocument>(
  {
    _id: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    key: String,
    at: Date,
    taken: Number,
  },
  { collection: 'login_throttle', versionKey: false },
);

/** The throttle model bound to a connection. */
export function throttleModel(connection: Connection): Model<ThrottleDocument> {
  return connection.models.Throttle ?? connection.model<ThrottleDocument>('Throttle', throttleSchema);
}
