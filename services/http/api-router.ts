// Declares every API route once: who may call it, what it accepts, what it returns — and derives OpenAPI from that.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { z } from 'zod';
import { hasFreshAuthentication, type Actor, type Role } from '../auth/index.js';
import { type ErrorDetail, Forbidden, InvalidRequest, NotAuthenticated } from '../errors.js';
import { noneMatchNames } from './conditional-get.js';
import { authenticate, type Authenticator } from './middleware/authenticate.js';
import { checkStreamedBody, readJsonBody, readTextBody } from './middleware/json-body.js';
import { checkWith } from '../../policies/shared/problem.js';
import { parseInput } from './validate.js';

/** Who may call a route: anyone, any signed-in person, or the listed roles. Deny by default: no value, no route. */
export type Access = 'public' | 'authenticated' | readonly Role[];

export interface RouteSpec<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  tag: string;
  access: Access;
  /**
   * The caller must have authenticated within the last few minutes (log-in or POST /api/auth/step-up), else
   * `401 step_up_required`: erasure, admission decisions, exports.
   */
  stepUp?: boolean;
  body?: B;
  query?: Q;
  params?: P;
  /** Largest accepted JSON body; defaults to the service-wide limit. */
  bodyLimitBytes?: number;
  /** Accept the body unparsed (as text) in one of these media types, up to `limitBytes`; excludes `body`. */
  rawBody?: RawBodySpec;
  /** Successful status and the response schema (documented in OpenAPI). */
  success: { status: 200 | 201 | 202 | 204; schema?: z.ZodType; description: string };
  /**
   * How this route refuses a body its schema rejects, when not with `validation_failed`: its own code, and a step
   * taken first (research queries audit the refusal as a denial). The details are the schema's problems as ever.
   */
  invalidBody?: InvalidBodySpec;
  /** Error codes this route may answer with, beyond the common ones. */
  errors?: Record<number, string>;
}

/** A route's own refusal of an invalid body (see `RouteSpec.invalidBody`). */
export interface InvalidBodySpec {
  code: string;
  message: string;
  before?: (details: readonly ErrorDetail[], actor: Actor | undefined) => Promise<void>;
}

/** A body the handler parses itself (uploads in several formats), with its own size limit. */
export interface RawBodySpec {
  types: readonly string[];
  limitBytes: number;
  /** Leave the body unread for the handler to stream from `ctx.req` (type and declared length checked first). */
  streamed?: boolean;
}

/** The unparsed body of a `rawBody` route: its media type (one of the declared ones) and its text. */
export interface RawBody {
  type: string;
  text: string;
}

export interface RouteInput<B, Q, P> {
  body: B;
  rawBody: RawBody | undefined;
  query: Q;
  params: P;
  actor: Actor | undefined;
  ctx: Context;
}

type Handler<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> = (
  input: RouteInput<z.output<B>, z.output<Q>, z.output<P>>,
) => Promise<unknown>;

interface Registered {
  spec: RouteSpec<z.ZodType, z.ZodType, z.ZodType>;
}

/** A @koa/router that only accepts fully declared routes and remembers them for the OpenAPI document. */
export class ApiRouter {
  readonly router = new Router();
  readonly registered: Registered[] = [];

  constructor(
    private readonly options: {
      auth: Authenticator;
      jsonBodyLimitBytes: number;
      /** Routes that name stewards refuse a steward whose log-in passed no second factor (403). */
      stewardSecondFactor?: boolean;
    },
  ) {}

  /** Registers one route: authenticate → authorise → read body → validate → handle → present. */
  route<
    B extends z.ZodType = z.ZodUndefined,
    Q extends z.ZodType = z.ZodUndefined,
    P extends z.ZodType = z.ZodUndefined,
  >(spec: RouteSpec<B, Q, P>, handler: Handler<B, Q, P>): this {
    this.registered.push({ spec: spec as unknown as RouteSpec<z.ZodType, z.ZodType, z.ZodType> });
    const { auth, jsonBodyLimitBytes } = this.options;
    this.router[spec.method](spec.path, async (ctx) => {
      const actor = spec.access === 'public' ? undefined : await authenticate(ctx, auth);
      if (Array.isArray(spec.access) && !spec.access.includes(actor!.role)) {
        throw new Forbidden('role_not_allowed', 'Your role may not do this.');
      }
      // Routes open to any signed-in person (the account, enrolment) stay open, so the steward can set one up.
      if (
        this.options.stewardSecondFactor &&
        Array.isArray(spec.access) &&
        actor?.role === 'steward' &&
        !actor.secondFactor
      ) {
        throw new Forbidden('second_factor_required', 'Stewards sign in with a second factor: set one up first.');
      }
      if (spec.stepUp && !hasFreshAuthentication(actor!, auth.now())) {
        throw new NotAuthenticated('step_up_required', 'Confirm it is you first (POST /api/auth/step-up).');
      }
      const rawBody = spec.body ? await readJsonBody(ctx, spec.bodyLimitBytes ?? jsonBodyLimitBytes) : undefined;
      if (spec.rawBody?.streamed) checkStreamedBody(ctx, spec.rawBody.types, spec.rawBody.limitBytes);
      const text =
        spec.rawBody && !spec.rawBody.streamed
          ? await readTextBody(ctx, spec.rawBody.types, spec.rawBody.limitBytes)
          : undefined;
      const input = {
        body: spec.body ? await readBody(spec.body, rawBody, spec.invalidBody, actor) : undefined,
        rawBody: text,
        query: spec.query ? parseInput(spec.query, ctx.query, 'query') : undefined,
        params: spec.params ? parseInput(spec.params, ctx.params, 'params') : undefined,
        actor,
        ctx,
      } as RouteInput<z.output<B>, z.output<Q>, z.output<P>>;
      const result = await handler(input);
      ctx.status = spec.success.status;
      // A handler that set an ETag gets conditional GETs for free: an If-None-Match that names it answers 304.
      const tag = ctx.response.get('ETag');
      if (tag && ctx.method === 'GET' && noneMatchNames(ctx.get('If-None-Match'), tag)) ctx.status = 304;
      else if (spec.success.status !== 204) ctx.body = result;
    });
    return this;
  }
}

// The body through its schema; a refusal is `validation_failed`, or the route's own code after its step.
async function readBody(
  schema: z.ZodType,
  raw: unknown,
  invalid: InvalidBodySpec | undefined,
  actor: Actor | undefined,
): Promise<unknown> {
  if (!invalid) return parseInput(schema, raw, 'body');
  const checked = checkWith(schema, raw);
  if (checked.ok) return checked.value;
  const details = checked.problems.map((problem) => (problem.field === '' ? { ...problem, field: 'body' } : problem));
  await invalid.before?.(details, actor);
  throw new InvalidRequest(invalid.code, invalid.message, details);
}
