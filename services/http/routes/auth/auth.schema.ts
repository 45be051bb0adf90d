// Shapes of the account and token endpoints; also the source of their OpenAPI description.
import { z } from 'zod';
import { regions, sexes } from '../../../../policies/research/research-profile.js';
import { displayTextSchema } from '../../../../policies/shared/display-text.js';

const codePoints = (value: string) => [...value].length;

/** Passwords are taken exactly as given (no trimming or normalising), 8 to 1024 characters. */
export const passwordSchema = z
  .string()
  .refine((p) => codePoints(p) >= 8, 'Use at least 8 characters.')
  .refine((p) => codePoints(p) <= 1024, 'Use at most 1024 characters.')
  // JSON Schema counts characters as code points, as the refinements do: the document states the real rule.
  .meta({ minLength: 8, maxLength: 1024 });

export const emailSchema = z.email().max(254);
export const nameSchema = displayTextSchema(1, 200);
export const regionSchema = z.enum(Object.keys(regions) as [keyof typeof regions, ...(keyof typeof regions)[]]);
export const sexSchema = z.enum(sexes);
export const birthYearSchema = z.number().int().min(1800).max(2200);
export const organisationSchema = displayTextSchema(2, 200);

export const localeSchema = z.enum(['en', 'fr']).describe('The language of your e-mail');

export const registerBody = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
  name: nameSchema,
  role: z.enum(['member', 'researcher']),
  birthYear: birthYearSchema.optional(),
  sex: sexSchema.optional(),
  region: regionSchema.optional(),
  organisation: organisationSchema.optional(),
  locale: localeSchema.optional(),
});

export const loginBody = z.strictObject({
  email: z.string().min(1).max(254),
  password: z.string().min(1).max(4096),
});

export const refreshBody = z.strictObject({ refreshToken: z.string().min(1).max(512) });

export const tokenPairSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number().int().describe('Seconds until the access token expires'),
  tokenType: z.literal('Bearer'),
});

/** A membership as the account holder (and stewards) see it: the register's record, never data. */
export const membershipSchema = z.object({
  status: z.enum(['none', 'applicant', 'admitted', 'refused', 'resigned', 'excluded']),
  votingRights: z.boolean().describe('Whether the member holds voting rights now (admitted, not yet ended)'),
  appliedAt: z.string().optional(),
  decidedAt: z.string().optional().describe('Admission or refusal'),
  identityMethod: z.string().optional().describe('Admitted: how identity was confirmed (no document is kept)'),
  share: z.object({ amount: z.number().int(), currency: z.string() }).optional(),
  reason: z.string().optional().describe("Refused or excluded: the steward's reason"),
  endsAt: z.string().optional().describe('Resigned or excluded: when the rights end (or ended)'),
});

export const accountSchema = z.object({
  id: z.string(),
  role: z.enum(['member', 'researcher', 'steward']),
  status: z.enum(['active', 'suspended']),
  email: z.string(),
  name: z.string(),
  birthYear: z.number().int().optional(),
  sex: sexSchema.optional(),
  region: regionSchema.optional(),
  organisation: z.string().optional(),
  memberSince: z.string().optional().describe('Admitted members: start of membership (ISO 8601)'),
  membership: membershipSchema.optional().describe('Account holders (role member): their membership'),
  verification: z.enum(['pending', 'verified', 'rejected']).optional().describe('Researchers only'),
  nonProfit: z.boolean().optional().describe('Researchers only, once verified'),
  locale: localeSchema,
  emailVerified: z.boolean().describe('Whether the owner confirmed the address by the link sent at registration'),
  secondFactor: z.boolean().describe('Whether a second factor (an authenticator app) is set up'),
  createdAt: z.string(),
});

/** A token from a link the service mailed (verification, reset, unlock): base64url, 43 characters. */
export const mailedTokenSchema = z.string().regex(/^[\w-]{20,200}$/, 'Not a token from one of our links.');

export const tokenBody = z.strictObject({ token: mailedTokenSchema });
export const passwordResetRequestBody = z.strictObject({ email: z.string().min(1).max(254) });
export const passwordResetBody = z.strictObject({ token: mailedTokenSchema, password: passwordSchema });

export const secondFactorChallengeSchema = z.object({
  secondFactorRequired: z.literal(true),
  challenge: z
    .string()
    .describe('Send it with a code to /api/auth/login/second-factor within 5 minutes, once; a passkey signs it'),
  passkeys: z.array(z.string()).describe('Credential ids of your passkeys (allowCredentials)'),
});

/** A WebAuthn response as @simplewebauthn/browser sends it (checked in depth by @simplewebauthn/server). */
export const webAuthnResponseSchema = z
  .looseObject({
    id: z.string().max(1024),
    rawId: z.string().max(1024),
    type: z.literal('public-key'),
    response: z.looseObject({ clientDataJSON: z.string().max(4096) }),
    clientExtensionResults: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ description: 'PublicKeyCredential as JSON' });

export const loginAnswerSchema = z.union([tokenPairSchema, secondFactorChallengeSchema]);

const totpCodeSchema = z.string().regex(/^\d{6}$/, 'Six digits from your authenticator app.');
const recoveryCodeSchema = z.string().regex(/^[a-z2-7]{5}-?[a-z2-7]{5}$/i, 'A recovery code (xxxxx-xxxxx).');

export const secondFactorLoginBody = z.union([
  z.strictObject({ challenge: mailedTokenSchema, code: totpCodeSchema }),
  z.strictObject({ challenge: mailedTokenSchema, recoveryCode: recoveryCodeSchema }),
  z.strictObject({ challenge: mailedTokenSchema, passkey: webAuthnResponseSchema }),
]);
export const passkeyRegistrationBody = z.strictObject({
  response: webAuthnResponseSchema,
  /** The owner's name for the passkey ("Laptop", "Phone"), to tell them apart in the list. */
  name: displayTextSchema(1, 60).optional(),
});
export const passkeyIdParams = z.strictObject({ id: z.string().min(1).max(1400) });
export const secondFactorsSchema = z.object({
  totpSince: z.string().nullable().describe('When the authenticator app was set up; null: none'),
  passkeys: z.array(
    z.object({
      id: z.string(),
      name: z.string().nullable(),
      createdAt: z.string().nullable(),
      lastUsedAt: z.string().nullable(),
    }),
  ),
  recoveryCodesLeft: z.number().int().describe('Recovery codes not used yet'),
});

export const totpConfirmBody = z.strictObject({ code: totpCodeSchema });
export const totpEnrolmentSchema = z.object({
  secret: z.string().describe('Base32, for typing into the authenticator app'),
  otpauthUri: z.string().describe('The same as an otpauth:// URI (for a QR code)'),
});
export const recoveryCodesSchema = z.object({
  recoveryCodes: z.array(z.string()).describe('Ten single-use codes: keep them on paper; shown only now'),
});

/** How to confirm it is you: the password, or (with a second factor) a code or a passkey signing the challenge. */
export const stepUpChallengeSchema = z.object({
  method: z.enum(['password', 'second-factor']),
  totp: z.boolean().describe('An authenticator app is set up (send a code or a recovery code)'),
  challenge: z.string().optional().describe('Second factor: the challenge a passkey signs (5 minutes, once)'),
  passkeys: z.array(z.string()).describe('Credential ids of your passkeys (allowCredentials)'),
});

export const stepUpBody = z.union([
  z.strictObject({ password: z.string().min(1).max(4096) }),
  z.strictObject({ code: totpCodeSchema }),
  z.strictObject({ recoveryCode: recoveryCodeSchema }),
  z.strictObject({ challenge: mailedTokenSchema, passkey: webAuthnResponseSchema }),
]);

export const stepUpAnswerSchema = z.object({
  accessToken: z.string().describe('An access token of the same session, marked freshly authenticated'),
  expiresIn: z.number().int().describe('Seconds until the access token expires'),
  tokenType: z.literal('Bearer'),
  freshFor: z.number().int().describe('Seconds during which erasure, admission and exports are open to it'),
});
