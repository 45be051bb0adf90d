// Builds the OpenAPI 3.1 document from the declared routes, so the contract and the code cannot drift apart.
import { z } from 'zod';
import type { ApiRouter, Access } from '../../api-router.js';

const errorBody = z.object({
  error: z.object({
    code: z.string().describe('Stable snake_case error code'),
    message: z.string(),
    details: z
      .array(
        z.object({
          field: z.string(),
          code: z.string(),
          message: z.string(),
          index: z.number().int().nullable().optional().describe('Uploads: the 0-based row; null for the whole body'),
        }),
      )
      .optional()
      .describe('At most the first 100 problems'),
    detailCount: z.number().int().optional().describe('How many problems there were, when more than 100'),
    requestId: z.string().optional().describe('internal_error only: quote it when reporting the problem'),
  }),
});

const commonErrors: Record<number, string> = {
  400: 'invalid_json, validation_failed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  503: 'database_unavailable, overloaded (with Retry-After)',
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output') {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any' });
}

const STEP_UP_NOTE = ', who authenticated within the last five minutes (log-in or POST /api/auth/step-up)';

function describeAccess(access: Access): string {
  if (access === 'public') return 'Anyone (no token).';
  if (access === 'authenticated') return 'Any signed-in person.';
  return `Only: ${access.join(', ')}.`;
}

/** The OpenAPI document of every route registered on `api`. */
export function buildOpenApi(api: ApiRouter, info: { version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { spec } of api.registered) {
    const path = spec.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', spec.params],
      ['query', spec.query],
    ] as const) {
      if (!schema) continue;
      const shape = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, property] of Object.entries(shape.properties ?? {})) {
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (shape.required ?? []).includes(name),
          schema: property,
        });
      }
    }
    const responses: Record<string, unknown> = {
      [spec.success.status]: {
        description: spec.success.description,
        ...(spec.success.schema && {
          content: { 'application/json': { schema: jsonSchema(spec.success.schema, 'output') } },
        }),
      },
    };
    // Every route that reads input can refuse it (400); only routes with a body can get one too large or mistyped.
    const errors: Record<number, string> =
      spec.body || spec.rawBody
        ? { ...commonErrors }
        : spec.query || spec.params
          ? { 400: 'validation_failed', 503: commonErrors[503]! }
          : { 503: commonErrors[503]! };
    if (spec.access !== 'public') errors[401] = 'not_authenticated, invalid_token';
    if (Array.isArray(spec.access)) errors[403] = 'role_not_allowed';
    Object.assign(errors, spec.errors);
    if (spec.stepUp) errors[401] = `${errors[401]}, step_up_required (authenticate again: POST /api/auth/step-up)`;
    for (const [status, codes] of Object.entries(errors)) {
      responses[status] = {
        description: `Error codes: ${codes}`,
        content: { 'application/json': { schema: jsonSchema(errorBody, 'output') } },
      };
    }
    paths[path] ??= {};
    paths[path][spec.method] = {
      summary: spec.summary,
      description: `Who may call: ${describeAccess(spec.access)}${spec.stepUp ? STEP_UP_NOTE : ''}`,
      tags: [spec.tag],
      ...(spec.access !== 'public' && { security: [{ bearer: [] }] }),
      ...(parameters.length > 0 && { parameters }),
      ...(spec.body && {
        requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } },
      }),
      ...(spec.rawBody && {
        requestBody: {
          required: true,
          description: `At most ${spec.rawBody.limitBytes} bytes.`,
          content: Object.fromEntries(spec.rawBody.types.map((type) => [type, { schema: { type: 'string' } }])),
        },
      }),
      responses,
      'x-access': spec.access,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Datacoop API',
      version: info.version,
      description:
        'Member-owned personal-data cooperative. Errors are always {"error": {"code", "message", "details"?}}.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (EdDSA)' } } },
    paths,
  };
}
