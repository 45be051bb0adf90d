// The OAuth 2.0 / SMART App Launch endpoints: discovery, authorize, token, revoke. They speak the protocol's own
// error shape (`{"error", "error_description"}`, RFC 6749 §5.2), not the API's, so they live on a router of their own.
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { SUPPORTED_SCOPES, type Apps, type ClientCredentials } from '../../../apps/index.js';
import { AppError, OAuthError } from '../../../errors.js';
import { readTextBody } from '../../middleware/json-body.js';

const FORM = 'application/x-www-form-urlencoded';
const FORM_LIMIT_BYTES = 16_384;

/** The SMART configuration document (SMART App Launch 2.x §2.1). */
export function smartConfiguration(publicUrl: string) {
  return {
    issuer: publicUrl,
    authorization_endpoint: `${publicUrl}/oauth/authorize`,
    token_endpoint: `${publicUrl}/oauth/token`,
    revocation_endpoint: `${publicUrl}/oauth/revoke`,
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    response_types_supported: ['code'],
    scopes_supported: [...SUPPORTED_SCOPES],
    code_challenge_methods_supported: ['S256'],
    capabilities: [
      'launch-standalone',
      'client-public',
      'client-confidential-symmetric',
      'context-standalone-patient',
      'permission-patient',
      'permission-offline',
      'permission-v2',
    ],
  };
}

/** Protocol errors in the protocol's shape; never cached (RFC 6749 §5.1). Anything else goes to the error handler. */
async function oauthErrors(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    ctx.status = error instanceof OAuthError ? error.status : 400;
    ctx.set('Cache-Control', 'no-store');
    if (ctx.status === 401) ctx.set('WWW-Authenticate', 'Basic realm="datacoop"');
    ctx.body = {
      error: error instanceof OAuthError ? error.code : 'invalid_request',
      error_description: error.message,
    };
  }
}

/** The form body's parameters; a parameter sent twice is refused (RFC 6749 §3.1). */
async function formOf(ctx: Context): Promise<(name: string) => string | undefined> {
  const { text } = await readTextBody(ctx, [FORM], FORM_LIMIT_BYTES);
  const params = new URLSearchParams(text);
  return (name) => {
    const values = params.getAll(name);
    if (values.length > 1) throw new OAuthError('invalid_request', `${name} was sent more than once.`);
    return values[0];
  };
}

/** Client credentials from HTTP Basic (RFC 6749 §2.3.1) or the body; a public client sends only client_id. */
function credentialsOf(ctx: Context, form: (name: string) => string | undefined): ClientCredentials {
  const basic = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(ctx.get('authorization'));
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_client', 'Malformed client credentials.', 401);
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon)),
      clientSecret: decodeURIComponent(decoded.slice(colon + 1)),
    };
  }
  return { clientId: form('client_id'), clientSecret: form('client_secret') };
}

/** Adds /.well-known/smart-configuration (also under the FHIR base) and /oauth/{authorize,token,revoke}. */
export function oauthRoutes(apps: Apps, options: { publicUrl: string; now: () => Date }): Router {
  const router = new Router();
  const configuration = smartConfiguration(options.publicUrl);
  router.use(oauthErrors);
  for (const path of ['/.well-known/smart-configuration', '/fhir/.well-known/smart-configuration']) {
    router.get(path, (ctx) => {
      ctx.set('Cache-Control', 'public, max-age=300');
      ctx.body = configuration;
    });
  }
  // Anyone may call it: the request is checked, then the signed-in member answers on the consent screen (/connect).
  router.get('/oauth/authorize', async (ctx) => {
    const checked = await apps.checkAuthorizationRequest(new URLSearchParams(ctx.querystring));
    if (checked.kind === 'refused') throw checked.error;
    ctx.set('Cache-Control', 'no-store');
    ctx.redirect(checked.kind === 'redirect' ? checked.location : `/connect?${ctx.querystring}`);
  });
  // Client authentication only (public clients: client_id; confidential: the secret).
  router.post('/oauth/token', async (ctx) => {
    const form = await formOf(ctx);
    const client = credentialsOf(ctx, form);
    const grantType = form('grant_type');
    const now = options.now();
    const body =
      grantType === 'authorization_code'
        ? await apps.exchangeCode(
            client,
            { code: form('code'), redirectUri: form('redirect_uri'), codeVerifier: form('code_verifier') },
            now,
          )
        : grantType === 'refresh_token'
          ? await apps.refresh(client, { refreshToken: form('refresh_token'), scope: form('scope') }, now)
          : undefined;
    if (!body) {
      throw new OAuthError(
        grantType ? 'unsupported_grant_type' : 'invalid_request',
        'grant_type must be authorization_code or refresh_token.',
      );
    }
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Pragma', 'no-cache');
    ctx.body = body;
  });
  // RFC 7009: 200 whether or not the token was known; the client must authenticate.
  router.post('/oauth/revoke', async (ctx) => {
    const form = await formOf(ctx);
    const client = credentialsOf(ctx, form);
    const token = form('token');
    if (!token) throw new OAuthError('invalid_request', 'token is required.');
    await apps.revoke(client, token, options.now());
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 200;
    ctx.body = '';
  });
  return router;
}
