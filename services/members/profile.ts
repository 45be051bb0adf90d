// The sealed part of an account: everything personal lives here, encrypted under the member's own key.
import { openJson, sealJson, type Binding } from '../crypto/aead.js';
import type { Profile } from './members.model.js';

export type { Profile } from './members.model.js';

export const PROFILE_SCHEMA_VERSION = 1;

function profileBinding(userId: string): Binding {
  return { collection: 'users.profile', recordId: userId, memberId: userId, schemaVersion: PROFILE_SCHEMA_VERSION };
}

/** Seals a profile under the member's data key, bound to that member's record. */
export function sealProfile(key: Buffer, userId: string, profile: Profile): Buffer {
  return sealJson(key, profile, profileBinding(userId));
}

/** Opens a sealed profile; throws DecryptionFailed if it belongs to another record or was altered. */
export function openProfile(key: Buffer, userId: string, sealed: Buffer): Profile {
  return openJson<Profile>(key, sealed, profileBinding(userId));
}

/** The form of an e-mail address used for the blind index: trimmed and lower-cased. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
