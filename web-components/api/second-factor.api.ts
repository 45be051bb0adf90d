// The account's second factors: an authenticator app (TOTP) and passkeys (WebAuthn), what is set up, removing one
// and renewing recovery codes (those three changes need a fresh confirmation: callers wrap them in withStepUp).
import { requestJson } from './session.js';

export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
}

export interface PasskeyInfo {
  id: string;
  name: string | null;
  createdAt: string | null;
  lastUsedAt: string | null;
}

export interface SecondFactors {
  totpSince: string | null;
  passkeys: PasskeyInfo[];
  recoveryCodesLeft: number;
}

/** GET /api/me/second-factor */
export function fetchSecondFactors(): Promise<SecondFactors> {
  return requestJson<SecondFactors>('GET', '/api/me/second-factor');
}

/** POST /api/me/second-factor/totp: a new secret, shown once. */
export function beginTotpEnrolment(): Promise<TotpEnrolment> {
  return requestJson<TotpEnrolment>('POST', '/api/me/second-factor/totp');
}

/** POST /api/me/second-factor/totp/confirm: the first code; answers the ten recovery codes (shown once). */
export async function confirmTotpEnrolment(code: string): Promise<string[]> {
  return (await requestJson<{ recoveryCodes: string[] }>('POST', '/api/me/second-factor/totp/confirm', { code }))
    .recoveryCodes;
}

/**
 * Registers a passkey of this device: the service's options → navigator.credentials.create → the service.
 * Resolves null when the person cancels the browser's dialog (nothing is stored), else the recovery codes the
 * account's first factor brings (shown once; empty when it had some already).
 */
export async function addPasskey(name: string): Promise<string[] | null> {
  const options = await requestJson<PublicKeyCredentialCreationOptionsJSON>(
    'POST',
    '/api/me/second-factor/passkeys/options',
  );
  let credential: PublicKeyCredential | null;
  try {
    credential = (await navigator.credentials.create({
      publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options),
    })) as PublicKeyCredential | null;
  } catch (error) {
    // NotAllowedError: the person closed the dialog, or it timed out.
    if (error instanceof DOMException && error.name === 'NotAllowedError') return null;
    throw error;
  }
  if (!credential) return null;
  const answer = await requestJson<{ id: string; recoveryCodes?: string[] }>('POST', '/api/me/second-factor/passkeys', {
    response: credential.toJSON(),
    ...(name.trim() && { name: name.trim() }),
  });
  return answer.recoveryCodes ?? [];
}

/** DELETE /api/me/second-factor/totp (step-up). */
export function removeTotp(): Promise<void> {
  return requestJson<void>('DELETE', '/api/me/second-factor/totp');
}

/** DELETE /api/me/second-factor/passkeys/:id (step-up). */
export function removePasskey(id: string): Promise<void> {
  return requestJson<void>('DELETE', `/api/me/second-factor/passkeys/${encodeURIComponent(id)}`);
}

/** POST /api/me/second-factor/recovery-codes (step-up): ten new codes, shown once. */
export async function renewRecoveryCodes(): Promise<string[]> {
  return (await requestJson<{ recoveryCodes: string[] }>('POST', '/api/me/second-factor/recovery-codes')).recoveryCodes;
}
