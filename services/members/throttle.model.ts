// Fixed-window counters for log-in throttling, shared by every service instance through the database.
import { Schema, type Connection, type Model } from 'mongoose';

export interface ThrottleDocument {
  /** `<scope>:<blind index of the subject>:<window start>`; no plaintext e-mail or IP address. */
  _id: string;
  count: number;
  expiresAt: Date;
}

const throttleSchema = new Schema<ThrottleDocument>(
  {
    _id: { type: String, required: true },
    count: { type: Number, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'login_throttle', versionKey: false },
);

/** The throttle model bound to a connection. */
export function throttleModel(connection: Connection): Model<ThrottleDocument> {
  return connection.models.Throttle ?? connection.model<ThrottleDocument>('Throttle', throttleSchema);
}
