// Numbered slots for log-in throttling (see db/claims.ts), shared by every service instance through the database.
import { Schema, type Connection, type Model } from 'mongoose';

export interface ThrottleDocument {
  /** `<scope>:<blind index of the subject>:<window start>:<slot number or "hint">`; no plaintext e-mail or IP. */
  _id: string;
  expiresAt: Date;
  taken?: number;
}

const throttleSchema = new Schema<ThrottleDocument>(
  {
    _id: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    taken: Number,
  },
  { collection: 'login_throttle', versionKey: false },
);

/** The throttle model bound to a connection. */
export function throttleModel(connection: Connection): Model<ThrottleDocument> {
  return connection.models.Throttle ?? connection.model<ThrottleDocument>('Throttle', throttleSchema);
}
