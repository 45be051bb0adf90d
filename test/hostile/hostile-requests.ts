// fast-check arbitraries of whole hostile requests for one OpenAPI operation: path parameters, query, body, content
// type and headers — valid ones (to get past validation into the handlers) and every kind of broken one.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { Operation, RawRequest } from './hostile-http.js';
import { fillPath } from './hostile-http.js';
import {
  HOSTILE_STRINGS,
  invalidValue,
  validate,
  validValue,
  type JsonSchema,
  type KnownValues,
} from './json-schema.js';
import type { Caller } from './hostile-world.js';

/** One generated request and what it was made of (printed when a check fails). */
export interface HostileRequest {
  caller: Caller;
  request: RawRequest;
  /** True when the body is JSON that the document says the operation must refuse. */
  bodyBreaksSchema: boolean;
  /** True when the Authorization header was replaced by a hostile one. */
  hostileAuthorization: boolean;
}

const weighted = <T>(arbitrary: fc.Arbitrary<T>, weight: number) => ({ arbitrary, weight });

/** Raw path segments sent without encoding: malformed percent-escapes, encoded separators and NUL. */
const RAW_SEGMENTS = ['%', '%E0%A4%A', '%zz', '%00', '..', '%2e%2e', '%2F..%2F', '%C0%AF', '%FF%FE', 'a'.repeat(3000)];

function pathValue(schema: JsonSchema, known: readonly unknown[] | undefined): fc.Arbitrary<[string, boolean]> {
  // Never empty: an empty segment addresses another resource (`/api/proposals/` is the list), not this one.
  const encoded = (arbitrary: fc.Arbitrary<unknown>) =>
    arbitrary.map((v): [string, boolean] => [String(v) || '_', true]);
  return fc.oneof(
    weighted(encoded(validValue(schema)), 3),
    ...(known && known.length > 0 ? [weighted(encoded(fc.constantFrom(...known)), 4)] : []),
    weighted(encoded(fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ unit: 'grapheme' }))), 2),
    weighted(
      fc.constantFrom(...RAW_SEGMENTS).map((v): [string, boolean] => [v, false]),
      1,
    ),
  );
}

/**
 * Values are cut to 1000 characters: Node's HTTP parser answers a request head over 16 KB itself with a bare 431
 * before the app sees it (see the report of issue 7), so longer ones would test Node, not us.
 */
function queryString(entries: [string, string][], encode: boolean): string {
  if (entries.length === 0) return '';
  const part = (s: string) => (encode ? encodeURIComponent(s.slice(0, 1000)) : s.slice(0, 1000));
  return '?' + entries.map(([k, v]) => `${part(k)}=${part(v)}`).join('&');
}

const asQueryValue = (value: unknown) =>
  typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);

function queryArbitrary(operation: Operation, known: KnownValues): fc.Arbitrary<string> {
  const parameters = operation.parameters.filter((p) => p.in === 'query');
  const valid = fc
    .record(Object.fromEntries(parameters.map((p) => [p.name, validValue(p.schema, known)])), {
      requiredKeys: parameters.filter((p) => p.required).map((p) => p.name),
    })
    .map((values) => Object.entries(values).map(([k, v]): [string, string] => [k, asQueryValue(v)]));
  const broken: fc.Arbitrary<[string, string][]>[] = [
    // An unknown parameter, a prototype key, an operator in brackets.
    fc
      .tuple(valid, fc.constantFrom('__proto__', 'constructor', 'unknown', '$where', 'status[$ne]', 'limit[]', ''))
      .map(([entries, key]) => [...entries, [key, 'x']]),
  ];
  if (parameters.length > 0) {
    const names = parameters.map((p) => p.name);
    broken.push(
      // A documented parameter with a broken value, or given twice.
      fc.tuple(valid, fc.constantFrom(...parameters)).chain(([entries, parameter]) =>
        fc.oneof<fc.Arbitrary<[string, string][]>[]>(
          (invalidValue(parameter.schema) ?? fc.constant('x'.repeat(5000))).map((v) => [
            ...entries.filter(([k]) => k !== parameter.name),
            [parameter.name, asQueryValue(v)] as [string, string],
          ]),
          fc.constant<[string, string][]>([
            ...entries,
            [parameter.name, 'a'] as [string, string],
            [parameter.name, 'b'] as [string, string],
          ]),
        ),
      ),
      // A required parameter missing.
      fc.tuple(valid, fc.constantFrom(...names)).map(([entries, name]) => entries.filter(([k]) => k !== name)),
    );
  }
  return fc.oneof(
    weighted(
      valid.map((entries) => queryString(entries, true)),
      3,
    ),
    weighted(
      fc.oneof(...broken).map((entries) => queryString(entries, true)),
      2,
    ),
    weighted(fc.constantFrom('?%', '?a=%E0%A4%A', '?&&&', '?=', '?' + 'x'.repeat(4000) + '=1'), 1),
  );
}

/** Bodies no parser should choke on: broken JSON, odd encodings, depth, numbers JSON cannot represent. */
const GARBAGE_BODIES: readonly (string | Buffer)[] = [
  '',
  ' ',
  '{',
  '{"a":1,}',
  '{"a":1}{"b":2}',
  "{'a':1}",
  'null',
  'true',
  '0',
  '"string"',
  '[]',
  '{"a":NaN}',
  '{"a":1e400}',
  '{"a":-1e400}',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '\ufeff{}',
  '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"isAdmin":true}}}',
  '{"a":1,"a":2}',
  '['.repeat(10_000) + ']'.repeat(10_000),
  '{"a":'.repeat(2000) + '1' + '}'.repeat(2000),
  Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
  '{"email":"' + 'x'.repeat(300_000) + '"}',
];

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'Application/JSON'];
const WRONG_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json; charset=nonsense',
  'application/xml',
  '*/*',
  'application/json, text/plain',
  'json',
  '',
];

function jsonBodyArbitrary(
  schema: JsonSchema,
  known: KnownValues,
): fc.Arbitrary<{ body: string | Buffer; type: string | undefined; breaks: boolean }> {
  const typed = (body: fc.Arbitrary<{ body: string | Buffer; breaks: boolean }>) =>
    fc
      .tuple(body, fc.oneof(weighted(fc.constantFrom(...JSON_TYPES), 8), weighted(fc.constantFrom(...WRONG_TYPES), 1)))
      .map(([b, type]) => ({ ...b, type, breaks: b.breaks && JSON_TYPES.includes(type) }));
  const invalid = invalidValue(schema, known);
  return fc.oneof(
    weighted(typed(validValue(schema, known).map((v) => ({ body: JSON.stringify(v) ?? 'null', breaks: false }))), 4),
    ...(invalid
      ? [
          weighted(
            typed(
              invalid.map((v) => {
                const body = JSON.stringify(v) ?? 'null';
                // JSON.stringify turns Infinity into null and drops undefined: judge what is actually sent.
                return { body, breaks: validate(schema, JSON.parse(body)).length > 0 };
              }),
            ),
            4,
          ),
        ]
      : []),
    weighted(
      fc.constantFrom(...GARBAGE_BODIES).map((body) => ({ body, type: 'application/json', breaks: false })),
      1,
    ),
    weighted(fc.constant({ body: '{}', type: undefined, breaks: false }), 1),
  );
}

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/uploads/${name}`, import.meta.url), 'utf8');

function rawBodyArbitrary(types: string[]): fc.Arbitrary<{ body: string | Buffer; type: string | undefined }> {
  const samples = [
    fixture('watch-heart-rate.csv'),
    fixture('invalid-observations.csv'),
    fixture('manual-entries.json'),
    fixture('clinic-blood-pressure.fhir.json'),
    'category,value,unit,effectiveAt\n=cmd|"/c calc"!A1,1,bpm,2025-01-01T00:00:00Z\n',
    'category,value,unit,effectiveAt\nheart-rate,1e400,bpm,2025-01-01T00:00:00Z\n',
    'category,value,unit,effectiveAt\nheart-rate,60,bpm,9999-99-99T99:99:99Z\n',
    '{"observations":[{"category":"heart-rate","value":{"$gt":0},"unit":"bpm","effectiveAt":"2025-01-01T00:00:00Z"}]}',
    '{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Observation","__proto__":{"x":1}}}]}',
    '{"resourceType":"Observation","valueQuantity":{"value":"NaN"}}',
    ...GARBAGE_BODIES,
  ];
  return fc.record({
    body: fc.oneof(fc.constantFrom(...samples), fc.string({ unit: 'grapheme', maxLength: 200 })),
    type: fc.oneof(
      weighted(fc.constantFrom(...types, ...types.map((t) => `${t}; charset=utf-8`)), 6),
      weighted(fc.constantFrom<string | undefined>(...WRONG_TYPES, undefined), 1),
    ),
  });
}

/** Authorization headers that must all be refused the same way. */
export const HOSTILE_AUTHORIZATIONS: readonly string[] = [
  'Bearer ' + 'A'.repeat(8000),
  'Bearer ' + 'eyJ'.repeat(2000) + '.' + 'e30' + '.' + 'x'.repeat(100),
  'Bearer a.b.c',
  'Bearer ..',
  'Bearer ',
  'Bearer',
  'bearer x.y.z',
  'Basic dXNlcjpwYXNz',
  'Bearer  x.y.z',
  'Bearer x.y.z extra',
  'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
  'Token abc',
  '\u00ff\u00fe',
];

const ODD_HEADERS: readonly Record<string, string>[] = [
  { 'idempotency-key': '' },
  { 'idempotency-key': ' ' },
  { 'idempotency-key': 'k'.repeat(256) },
  { 'idempotency-key': 'clé' },
  { 'idempotency-key': 'a\tb' },
  { 'idempotency-key': '$where' },
  { 'x-request-id': '<script>' + 'x'.repeat(500) },
  { 'x-forwarded-for': '1.2.3.4, ::1, <script>' },
  { accept: 'application/xml' },
  { 'accept-encoding': 'gzip;q=1e400' },
  { 'content-encoding': 'gzip' },
  { origin: 'https://evil.example' },
  { 'x-http-method-override': 'DELETE' },
];

/** Who calls: mostly someone the operation admits, so most requests reach validation and the handler. */
function callerArbitrary(allowed: readonly Caller[], denied: readonly Caller[]): fc.Arbitrary<Caller> {
  return fc.oneof(
    weighted(fc.constantFrom(...allowed), 6),
    ...(denied.length > 0 ? [weighted(fc.constantFrom(...denied), 1)] : []),
  );
}

/** Whole hostile requests for `operation`. */
export function hostileRequests(
  operation: Operation,
  options: {
    allowed: readonly Caller[];
    denied: readonly Caller[];
    tokenOf: (caller: Caller) => string | undefined;
    known: KnownValues;
  },
): fc.Arbitrary<HostileRequest> {
  const pathParameters = operation.parameters.filter((p) => p.in === 'path');
  const path = fc.tuple(...pathParameters.map((p) => pathValue(p.schema, options.known[p.name]))).map((values) => {
    let filled = operation.path;
    values.forEach(([value, encode], i) => {
      filled = fillPath(filled, { [pathParameters[i]!.name]: value }, encode);
    });
    return filled;
  });
  const jsonSchema = operation.requestBody?.content['application/json']?.schema;
  const rawTypes = Object.keys(operation.requestBody?.content ?? {});
  const isRaw = operation.requestBody !== undefined && !(rawTypes.length === 1 && jsonSchema);
  const body: fc.Arbitrary<{ body?: string | Buffer; type?: string | undefined; breaks: boolean }> = isRaw
    ? rawBodyArbitrary(rawTypes).map((b) => ({ ...b, breaks: false }))
    : jsonSchema
      ? jsonBodyArbitrary(jsonSchema, options.known)
      : fc.oneof(
          weighted(fc.constant({ breaks: false }), 6),
          weighted(fc.constant({ body: '{"unexpected":true}', type: 'application/json', breaks: false }), 1),
        );
  return fc
    .record({
      caller: callerArbitrary(options.allowed, options.denied),
      path,
      query: queryArbitrary(operation, options.known),
      body,
      authorization: fc.oneof(
        weighted(fc.constant(undefined), 12),
        weighted(fc.constantFrom(...HOSTILE_AUTHORIZATIONS), 1),
      ),
      odd: fc.oneof(weighted(fc.constant({}), 6), weighted(fc.constantFrom(...ODD_HEADERS), 1)),
    })
    .map(({ caller, path: filled, query, body: b, authorization, odd }) => {
      const token = options.tokenOf(caller);
      const headers: Record<string, string> = { ...odd };
      if (b.type !== undefined) headers['content-type'] = b.type;
      if (authorization !== undefined) headers.authorization = authorization;
      else if (token) headers.authorization = `Bearer ${token}`;
      return {
        caller,
        request: {
          method: operation.method,
          path: filled + query,
          headers,
          ...(b.body !== undefined && { body: b.body }),
        },
        bodyBreaksSchema: b.breaks,
        hostileAuthorization: authorization !== undefined,
      };
    });
}

/** A request as a short, readable line for failure messages. */
export function describeRequest(h: HostileRequest): string {
  const body = h.request.body === undefined ? '' : String(h.request.body);
  const shown = body.length > 300 ? `${body.slice(0, 300)}… (${body.length} chars)` : body;
  const headers = Object.fromEntries(
    Object.entries(h.request.headers ?? {}).map(([k, v]) => [k, v.length > 80 ? `${v.slice(0, 80)}…` : v]),
  );
  const pathShown = h.request.path.length > 200 ? `${h.request.path.slice(0, 200)}…` : h.request.path;
  return `${h.caller} ${h.request.method} ${pathShown} ${JSON.stringify(headers)} ${shown}`;
}
