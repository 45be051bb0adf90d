// Shapes of registered apps, members' grants and the consent screen's requests.
import { z } from 'zod';
import { RESOURCE_SCOPES, SUPPORTED_SCOPES, isAllowedRedirectUri, type AppScope } from '../../../apps/index.js';

const scopeSchema = z.enum(SUPPORTED_SCOPES as [AppScope, ...AppScope[]]);

export const appRegistrationBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  redirectUris: z
    .array(
      z
        .string()
        .max(2000)
        .refine(isAllowedRedirectUri, 'an absolute https URI (or http on 127.0.0.1, [::1] or localhost), no fragment'),
    )
    .min(1)
    .max(10),
  scopes: z
    .array(scopeSchema)
    .min(1)
    .max(SUPPORTED_SCOPES.length)
    .refine(
      (scopes) => scopes.some((s) => (RESOURCE_SCOPES as readonly string[]).includes(s)),
      'at least one resource scope',
    ),
  confidential: z.boolean().default(false),
});

export const appSchema = z.object({
  id: z.string().describe('The client_id'),
  name: z.string(),
  redirectUris: z.array(z.string()),
  scopes: z.array(z.string()),
  confidential: z.boolean(),
  createdAt: z.string(),
  disabledAt: z.string().nullable(),
});
export const registeredAppSchema = appSchema.extend({
  clientSecret: z.string().optional().describe('Confidential clients only; shown this once, never stored'),
});
export const appListSchema = z.object({ apps: z.array(appSchema) });
export const appIdParams = z.strictObject({ id: z.string().min(1).max(100) });

export const grantSchema = z.object({
  id: z.string(),
  app: z.object({ id: z.string(), name: z.string() }),
  scopes: z.array(z.string()),
  grantedAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
export const grantListSchema = z.object({ grants: z.array(grantSchema) });
export const grantIdParams = z.strictObject({ grantId: z.string().min(1).max(100) });

/** The authorization request as the consent screen received it: the query string of GET /oauth/authorize. */
export const authorizationPreviewBody = z.strictObject({ request: z.string().min(1).max(8000) });
export const authorizationDecisionBody = authorizationPreviewBody.extend({ decision: z.enum(['approve', 'deny']) });
export const authorizationPreviewSchema = z.object({
  app: z.object({ id: z.string(), name: z.string() }),
  scopes: z.array(z.string()),
  redirectOrigin: z.string().describe('Where the member will be sent back'),
});
export const authorizationDecisionSchema = z.object({ redirectTo: z.string() });
