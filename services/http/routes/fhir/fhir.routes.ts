// The FHIR R4 REST API under /fhir: its own router and its own edge — every answer, errors included, is FHIR JSON
// (`application/fhir+json; fhirVersion=4.0`), every failure an OperationOutcome. Each route names the scope it needs.
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import {
  capabilityStatement,
  errorOutcome,
  type Fhir,
  type FhirCaller,
  type FhirCallerResolver,
  type FhirScope,
} from '../../../fhir/index.js';
import { AppError, Forbidden, InvalidRequest, NotAuthenticated } from '../../../errors.js';
import { idempotencyKeyOf } from '../../idempotency-key.js';
import { readTextBody } from '../../middleware/json-body.js';
import { toAppError } from '../../middleware/error-handler.js';

export const FHIR_CONTENT_TYPE = 'application/fhir+json; fhirVersion=4.0';
const BODY_TYPES = ['application/fhir+json', 'application/json'];
const ACCEPTED_FORMATS = new Set(['json', 'application/json', 'application/fhir+json']);

export interface FhirRouteDeps {
  fhir: Fhir;
  /** Asked in order; the first that recognises the credentials names the caller (none: 401). */
  resolvers: readonly FhirCallerResolver[];
  baseUrl: string;
  version: string;
  bodyLimitBytes: number;
  now: () => Date;
  log: { error(details: object, message: string): void };
}

/** The /fhir middleware: answers every path under /fhir (404 OperationOutcome for unknown ones), passes the rest on. */
export function fhirApi(deps: FhirRouteDeps): Middleware {
  const router = fhirRouter(deps);
  // The router's middleware typed for Koa's plain context (it adds params and router itself).
  const routes = router.routes() as unknown as Middleware;
  const allowed = router.allowedMethods() as unknown as Middleware;
  return async function fhirEdge(ctx, next) {
    if (ctx.path !== '/fhir' && !ctx.path.startsWith('/fhir/')) return next();
    try {
      negotiate(ctx);
      await routes(ctx, () => allowed(ctx, async () => {}));
      if (ctx.body === undefined && ctx.status === 405) {
        throw new AppError(405, 'method_not_allowed', `Use ${ctx.response.get('Allow') || 'another method'} here.`);
      }
      if (ctx.body === undefined && ctx.status === 501) {
        throw new AppError(405, 'method_not_allowed', 'This method is not supported here.');
      }
      if (ctx.body === undefined && ctx.status === 404)
        throw new AppError(404, 'not_found', 'No such resource type or interaction.');
    } catch (thrown) {
      const error = toAppError(thrown);
      if (error.status >= 500 && error.code === 'internal_error') {
        deps.log.error({ err: thrown, requestId: ctx.state.requestId }, 'unhandled error');
      }
      ctx.status = error.status;
      ctx.set(error.headers);
      if (error.status === 401) ctx.set('WWW-Authenticate', 'Bearer realm="fhir"');
      const message =
        error.code === 'internal_error' ? `${error.message} (request ${String(ctx.state.requestId)})` : error.message;
      send(ctx, errorOutcome(error.status, error.code, message, error.details));
    }
  };
}

/** 406 unless the client accepts FHIR JSON (Accept or `_format`); XML and other formats are not served. */
function negotiate(ctx: Context): void {
  const format = ctx.query._format;
  if (format !== undefined) {
    if (typeof format !== 'string' || !ACCEPTED_FORMATS.has(format.split(';')[0]!.trim())) {
      throw new AppError(406, 'not_acceptable', 'Only JSON is served (_format=json).');
    }
    return;
  }
  if (ctx.get('accept') && !ctx.accepts('application/fhir+json', 'application/json')) {
    throw new AppError(406, 'not_acceptable', 'Only application/fhir+json is served.');
  }
}

function send(ctx: Context, resource: unknown): void {
  ctx.set('Content-Type', FHIR_CONTENT_TYPE);
  ctx.body = JSON.stringify(resource);
}

function fhirRouter(deps: FhirRouteDeps): Router {
  const { fhir, now } = deps;
  const router = new Router({ prefix: '/fhir' });

  // The caller and the scope the route needs: 401 without credentials any resolver knows, 403 without the scope.
  const callerWith = async (ctx: Context, scope: FhirScope): Promise<FhirCaller> => {
    let caller: FhirCaller | undefined;
    for (const resolve of deps.resolvers) {
      caller = await resolve(ctx);
      if (caller) break;
    }
    if (!caller) throw new NotAuthenticated();
    if (!caller.scopes.has(scope)) throw new Forbidden('insufficient_scope', `This needs the scope ${scope}.`);
    return caller;
  };
  const body = (ctx: Context) => readTextBody(ctx, BODY_TYPES, deps.bodyLimitBytes);
  const lenient = (ctx: Context) =>
    ctx
      .get('prefer')
      .split(/[;,]/)
      .some((p) => p.trim().toLowerCase() === 'handling=lenient');
  const answer = (ctx: Context, status: number, resource: unknown) => {
    ctx.status = status;
    send(ctx, resource);
  };

  // Public: what the server supports, and where SMART apps get tokens.
  router.get('/metadata', (ctx) => answer(ctx, 200, capabilityStatement(deps.baseUrl, deps.version, now())));

  router.get('/Observation', async (ctx) => {
    const caller = await callerWith(ctx, 'patient/Observation.rs');
    answer(ctx, 200, await fhir.searchObservations(caller, ctx.query, { lenient: lenient(ctx) }, now()));
  });
  router.get('/Observation/:id', async (ctx) => {
    const caller = await callerWith(ctx, 'patient/Observation.rs');
    const resource = await fhir.readObservation(caller, ctx.params.id!, now());
    ctx.set('ETag', 'W/"1"');
    answer(ctx, 200, resource);
  });
  router.post('/Observation', async (ctx) => {
    const caller = await callerWith(ctx, 'patient/Observation.c');
    const key = idempotencyKeyOf(ctx);
    const { text } = await body(ctx);
    const created = await fhir.createObservation(caller, text, key, now());
    if (created.replayed) ctx.set('Idempotent-Replayed', 'true');
    ctx.set('Location', `${deps.baseUrl}/Observation/${created.id}/_history/1`);
    ctx.set('ETag', 'W/"1"');
    answer(ctx, created.created ? 201 : 200, created.resource);
  });
  router.post('/', async (ctx) => {
    const caller = await callerWith(ctx, 'patient/Observation.c');
    const key = idempotencyKeyOf(ctx);
    const { text } = await body(ctx);
    let bundle: unknown;
    try {
      bundle = JSON.parse(text);
    } catch {
      throw new InvalidRequest('invalid_json', 'The request body is not valid JSON.');
    }
    answer(ctx, 200, await fhir.processBundle(caller, bundle, key, now()));
  });
  router.get('/Patient/:id', async (ctx) => {
    const caller = await callerWith(ctx, 'patient/Patient.r');
    answer(ctx, 200, await fhir.readPatient(caller, ctx.params.id!, now()));
  });
  router.get('/Consent', async (ctx) => {
    const caller = await callerWith(ctx, 'patient/Consent.r');
    const unknown = Object.keys(ctx.query).filter((name) => name !== '_format');
    if (unknown.length > 0 && !lenient(ctx)) {
      throw new InvalidRequest(
        'unknown_search_parameter',
        'Consent takes no search parameters.',
        unknown.map((name) => ({ field: name, code: 'unknown_parameter', message: `${name} is not supported` })),
      );
    }
    answer(ctx, 200, await fhir.searchConsents(caller, now()));
  });
  router.get('/Consent/:id', async (ctx) => {
    const caller = await callerWith(ctx, 'patient/Consent.r');
    answer(ctx, 200, await fhir.readConsent(caller, ctx.params.id!, now()));
  });
  return router;
}
