// The members context's shapes: the sealed profile, an account as the service sees it, and what callers send.
import type { Region, Sex } from '../../policies/research/research-profile.js';
import type { MembershipState, Role } from '../auth/index.js';
import type { AdmissionRecord, ResearcherVerification, UserDocument } from './user.model.js';

/** The sealed part of an account: everything personal, encrypted under the member's own key (see profile.ts). */
export interface Profile {
  email: string;
  name: string;
  birthYear?: number;
  sex?: Sex;
  region?: Region;
  /** Researchers: the organisation they act for. */
  organisation?: string;
}

export interface RegistrationInput {
  email: string;
  password: string;
  name: string;
  role: Role;
  birthYear?: number;
  sex?: Sex;
  region?: Region;
  organisation?: string;
  /** The language of the account's e-mail; English when not given. */
  locale?: 'en' | 'fr';
}

export type ProfilePatch = Partial<Pick<Profile, 'name' | 'birthYear' | 'sex' | 'region' | 'organisation'>>;

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

/** An account as the service sees it after decryption; presenters decide what leaves the server. */
export interface Account {
  id: string;
  role: Role;
  status: UserDocument['status'];
  profile: Profile;
  membership?: UserDocument['membership'];
  /** Account holders who applied: their register record, with a refusal's or exclusion's reason opened. */
  admission?: MembershipView;
  researcher?: ResearcherView;
  locale: 'en' | 'fr';
  emailVerifiedAt?: Date;
  /** Whether a second factor (TOTP) is set up. */
  secondFactor: boolean;
  createdAt: Date;
}

/** A register record as read: the reason in plain text (for the person concerned and stewards only). */
export type MembershipView = Omit<AdmissionRecord, 'reason'> & { reason?: string };

/** One line of the register of members, for stewards: who, and the steps of their membership — never data. */
export interface RegisterEntry {
  id: string;
  name: string;
  admission: MembershipView;
  /** Applicants only: other account holders who may be the same person, and why. */
  possibleDuplicates?: PossibleDuplicate[];
}

export interface PossibleDuplicate {
  id: string;
  name: string;
  status: AdmissionRecord['status'] | 'none';
  reasons: ('same_mailbox' | 'same_name_birth_year')[];
}

/** A member's standing as the assembly counts it: the membership record and whether the account is suspended. */
export interface MemberStanding {
  id: string;
  status: UserDocument['status'];
  membership: MembershipState;
}

/** What a steward decides about a researcher's affiliation. */
export interface ResearcherDecision {
  organisation: string;
  nonProfit: boolean;
}

/** How a steward checked a researcher's identity and affiliation: a stable code (audited) and a note (sealed). */
export const VERIFICATION_METHODS = [
  'institutional_directory',
  'institutional_email',
  'video_call',
  'signed_letter',
  'other',
] as const;
export type VerificationMethod = (typeof VERIFICATION_METHODS)[number];

/** The evidence a steward gives when verifying a researcher. */
export interface VerificationEvidence {
  method: VerificationMethod;
  note: string;
}

/** A first verification: the affiliation and the evidence behind it. */
export interface ResearcherVerificationDecision extends ResearcherDecision {
  evidence: VerificationEvidence;
}

/** The researcher part of an account as the use cases read it: the evidence note opened. */
export interface ResearcherView {
  verification: ResearcherVerification;
  nonProfit?: boolean;
  decidedAt?: Date;
  decidedBy?: string;
  /** Absent for researchers verified before evidence was recorded (before this field existed). */
  evidence?: VerificationEvidence;
}

/** Why a steward changes a verified researcher's affiliation: a stable code (the audit log keeps no free text). */
export const AFFILIATION_CHANGE_REASONS = [
  'organisation_renamed',
  'moved_organisation',
  'status_corrected',
  'entered_in_error',
] as const;
export type AffiliationChangeReason = (typeof AFFILIATION_CHANGE_REASONS)[number];

/** A change of a verified researcher's organisation or non-profit status, with its reason. */
export interface AffiliationChange extends ResearcherDecision {
  reason: AffiliationChangeReason;
}

export type ResearcherFilter = 'pending' | 'verified' | 'rejected' | 'all';
