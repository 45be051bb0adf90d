// Accounts: only what the service must read in plaintext (role, status, dates, indexes); the rest is sealed.
import { Schema, type Connection, type Model } from 'mongoose';
import type { MembershipStatus } from '../../policies/members/membership.js';
import type { Role } from '../auth/index.js';

export type ResearcherVerification = 'pending' | 'verified' | 'rejected';

/**
 * Account holders only: the steps of their membership, as the register of members keeps them. Voting rights are
 * `membership` (below), written only at admission; this record says how it came about and how it ends.
 */
export interface AdmissionRecord {
  status: Exclude<MembershipStatus, 'none'>;
  appliedAt: Date;
  /** Admission or refusal: when and by which steward. */
  decidedAt?: Date;
  decidedBy?: string;
  /** Admission only: how identity was confirmed (a method, never a document) and the share capital subscribed. */
  identityMethod?: string;
  share?: { amount: number; currency: string };
  /** A refusal's or an exclusion's reason, sealed under the member's key (erasure shreds it). */
  reason?: Buffer;
  /** Resignation: when notice was given. Exclusion: when, and by which steward. */
  endedAt?: Date;
  endedBy?: string;
  /** When the rights end (the resignation's notice, or the exclusion itself); equals `membership.leftAt`. */
  endsAt?: Date;
}

/** TOTP enrolment and recovery codes; only keyed hashes of the codes are stored, each usable once (a claim). */
export interface SecondFactorRecord {
  /** The sealed secret, pending until `totpConfirmedAt`; `enrolmentId` names this enrolment (one confirmation each). */
  totp?: Buffer;
  enrolmentId?: string;
  totpConfirmedAt?: Date;
  recoveryCodes?: string[];
  /** WebAuthn credentials: public keys (not secret) and their signature counters. */
  passkeys?: PasskeyRecord[];
}

export interface PasskeyRecord {
  id: string;
  publicKey: Buffer;
  counter: number;
  transports?: string[];
  createdAt: Date;
  /** The owner's name for it ("Laptop"); absent on passkeys registered before names existed (shown as none). */
  name?: string;
  /** The last log-in or step-up it signed. */
  lastUsedAt?: Date;
}

export interface UserDocument {
  _id: string;
  schemaVersion: number;
  /** Keyed hash of the normalised e-mail address, for log-in look-ups; the address itself is in `profile`. */
  emailIndex: string;
  role: Role;
  status: 'active' | 'suspended';
  /** Argon2id hash string (algorithm, parameters, salt and hash). */
  passwordHash: string;
  /** The member's data key, wrapped by the master key. Destroying it makes every sealed value unreadable. */
  wrappedKey: Buffer;
  /** Sealed profile (e-mail, name, research profile, organisation) under the member's data key. */
  profile: Buffer;
  /** Admitted members only: the membership interval and suspensions (half-open [from, to)) deciding eligibility. */
  membership?: { joinedAt: Date; leftAt?: Date; suspensions?: { from: Date; to?: Date }[] };
  /** Account holders who applied: the register's record of application, admission, refusal and ending. */
  admission?: AdmissionRecord;
  /** Researchers only: verification by a steward. */
  researcher?: {
    verification: ResearcherVerification;
    nonProfit?: boolean;
    decidedAt?: Date;
    decidedBy?: string;
    /** How the steward checked the researcher: the method in clear, the free-text note sealed under their key. */
    evidence?: { method: string; note: Buffer };
  };
  /** The second factor: a TOTP secret (sealed under the member's key), confirmed once a code matched. */
  secondFactor?: SecondFactorRecord;
  /** The language of the account's e-mail (`en` when absent: accounts from before migration 3). */
  locale?: 'en' | 'fr';
  /** When the owner confirmed the e-mail address by the link sent at registration. */
  emailVerifiedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const userSchema = new Schema<UserDocument>(
  {
    _id: { type: String, required: true },
    schemaVersion: { type: Number, required: true },
    emailIndex: { type: String, required: true },
    role: { type: String, required: true, enum: ['member', 'researcher', 'steward'] },
    status: { type: String, required: true, enum: ['active', 'suspended'] },
    passwordHash: { type: String, required: true },
    wrappedKey: { type: Buffer, required: true },
    profile: { type: Buffer, required: true },
    membership: {
      type: new Schema(
        {
          joinedAt: Date,
          leftAt: Date,
          suspensions: { type: [new Schema({ from: Date, to: Date }, { _id: false })], default: undefined },
        },
        { _id: false },
      ),
    },
    admission: {
      type: new Schema(
        {
          status: {
            type: String,
            required: true,
            enum: ['applicant', 'admitted', 'refused', 'resigned', 'excluded'],
          },
          appliedAt: { type: Date, required: true },
          decidedAt: Date,
          decidedBy: String,
          identityMethod: String,
          share: { type: new Schema({ amount: Number, currency: String }, { _id: false }) },
          reason: Buffer,
          endedAt: Date,
          endedBy: String,
          endsAt: Date,
        },
        { _id: false },
      ),
    },
    researcher: {
      type: new Schema(
        {
          verification: { type: String, enum: ['pending', 'verified', 'rejected'], required: true },
          nonProfit: Boolean,
          decidedAt: Date,
          decidedBy: String,
          evidence: {
            type: new Schema(
              { method: { type: String, required: true }, note: { type: Buffer, required: true } },
              { _id: false },
            ),
          },
        },
        { _id: false },
      ),
    },
    secondFactor: {
      type: new Schema(
        {
          totp: Buffer,
          enrolmentId: String,
          totpConfirmedAt: Date,
          recoveryCodes: { type: [String], default: undefined },
          passkeys: {
            type: [
              new Schema(
                {
                  id: String,
                  publicKey: Buffer,
                  counter: Number,
                  transports: [String],
                  createdAt: Date,
                  name: String,
                  lastUsedAt: Date,
                },
                { _id: false },
              ),
            ],
            default: undefined,
          },
        },
        { _id: false },
      ),
    },
    locale: { type: String, enum: ['en', 'fr'] },
    emailVerifiedAt: Date,
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'users', versionKey: false },
);
userSchema.index({ emailIndex: 1 }, { unique: true });
userSchema.index({ role: 1 });

/** The user model bound to a connection. */
export function userModel(connection: Connection): Model<UserDocument> {
  return connection.models.User ?? connection.model<UserDocument>('User', userSchema);
}
