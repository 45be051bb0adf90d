// Step-up re-authentication: what confirming it is you needs, and the confirmation itself (its fresh access token
// replaces the tab's one). Erasure, admission decisions and exports answer `step_up_required` without it.
import { adoptAccessToken, requestJson } from './session.js';

/** How to confirm: the password, or the second factor (a code; a challenge for passkeys to sign). */
export interface StepUpChallenge {
  method: 'password' | 'second-factor';
  totp: boolean;
  challenge?: string;
  passkeys: string[];
}

export type StepUpProof = { password: string } | { code: string } | { recoveryCode: string };

/** POST /api/auth/step-up/challenge */
export function fetchStepUpChallenge(): Promise<StepUpChallenge> {
  return requestJson<StepUpChallenge>('POST', '/api/auth/step-up/challenge');
}

/** POST /api/auth/step-up: on success the tab's access token is the fresh one. */
export async function stepUp(proof: StepUpProof): Promise<void> {
  const answer = await requestJson<{ accessToken: string }>('POST', '/api/auth/step-up', proof);
  adoptAccessToken(answer.accessToken);
}

/** A code typed by the person: six digits from the app, else a recovery code. */
export function codeProof(typed: string): StepUpProof {
  const trimmed = typed.trim();
  return /^\d{6}$/.test(trimmed) ? { code: trimmed } : { recoveryCode: trimmed };
}
