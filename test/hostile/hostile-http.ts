// Raw HTTP for hostile requests (any bytes, any header fetch would refuse to send) and the checks every response
// must pass: no 5xx, a documented status, the documented shape, and nothing that must never leave the server.
import { request as httpRequest, Agent } from 'node:http';
import { validate, type JsonSchema } from './json-schema.js';

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed JSON body, or undefined when the body is empty or not JSON. */
  json: unknown;
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/** Sends exactly what it is given (no normalising of headers or body) and reads the whole answer. */
export function send(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.path,
        headers: {
          ...(req.body !== undefined && { 'content-length': String(Buffer.byteLength(req.body)) }),
          ...req.headers,
        },
        agent,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, text, json });
        });
      },
    );
    outgoing.on('error', reject);
    if (req.body !== undefined) outgoing.write(req.body);
    outgoing.end();
  });
}

/** Closes the keep-alive sockets (end of a test file). */
export function closeConnections(): void {
  agent.destroy();
}

/** What a caller must never see in a response: stack traces, source paths, database errors. */
const LEAK_PATTERNS: readonly [string, RegExp][] = [
  ['a stack frame', /\bat (?:async )?[\w$.<>[\] ]*\(?(?:file:\/\/|node:|\/)[^)\s]*:\d+:\d+\)?/],
  ['a source path', /[\w/-]+\.(?:ts|js|mjs|cjs):\d+/],
  ['a database error', /\b(?:Mongo\w*|MongoServerError|E11000|CastError|ValidationError|BSON\w*|FerretDB)\b/],
  ['a password hash', /\$argon2(?:id|i|d)\$/],
];

/** Field names that belong to storage and secrets, never to a response. */
export const SECRET_FIELDS: ReadonlySet<string> = new Set([
  'passwordHash',
  'wrappedKey',
  'nonce',
  'ciphertext',
  'emailIndex',
  'tokenHash',
  'refreshTokenHash',
  'refreshTokens',
  'privateKey',
  'schemaVersion',
  '__v',
]);

/** Every leak in one response: a pattern in the text or a secret field name anywhere in the JSON. */
export function findLeaks(response: RawResponse, allowedKeys: ReadonlySet<string> = new Set()): string[] {
  const leaks: string[] = [];
  for (const [what, pattern] of LEAK_PATTERNS) {
    const match = pattern.exec(response.text);
    if (match) leaks.push(`${what}: ${JSON.stringify(match[0])}`);
  }
  const walk = (value: unknown, at: string) => {
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${at}[${i}]`));
    else if (typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        if (SECRET_FIELDS.has(key) && !allowedKeys.has(key)) leaks.push(`a secret field: ${at}.${key}`);
        walk(inner, `${at}.${key}`);
      }
    }
  };
  walk(response.json, '$');
  return leaks;
}

/** The parts of one OpenAPI operation the checks need. */
export interface Operation {
  method: string;
  path: string;
  access: 'public' | 'authenticated' | string[];
  parameters: { name: string; in: 'path' | 'query'; required: boolean; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
}

/** Reads every operation of an OpenAPI document. */
export function operationsOf(document: { paths: Record<string, Record<string, Record<string, unknown>>> }) {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      operations.push({
        method: method.toUpperCase(),
        path,
        access: operation['x-access'] as Operation['access'],
        parameters: (operation.parameters as Operation['parameters']) ?? [],
        requestBody: operation.requestBody as Operation['requestBody'],
        responses: operation.responses as Operation['responses'],
      });
    }
  }
  return operations;
}

/** Every way `response` breaks the contract of `operation`; empty when it keeps it. */
export function contractViolations(operation: Operation, response: RawResponse): string[] {
  const problems: string[] = [];
  if (response.status >= 500) problems.push(`status ${response.status}`);
  const documented = operation.responses[String(response.status)];
  if (!documented) {
    problems.push(`status ${response.status} is not documented (${Object.keys(operation.responses).join(', ')})`);
    return problems;
  }
  const contentType = String(response.headers['content-type'] ?? '');
  const schema = documented.content?.['application/json']?.schema;
  if (response.status === 204) {
    if (response.text !== '') problems.push('204 with a body');
  } else if (schema) {
    if (!contentType.startsWith('application/json')) problems.push(`content-type ${contentType}, expected JSON`);
    if (response.json === undefined) problems.push('body is not JSON');
    else problems.push(...validate(schema, response.json).map((p) => `body ${p}`));
  }
  problems.push(...findLeaks(response));
  return problems;
}

/** The path of an operation with its `{name}` placeholders filled (each value URL-encoded unless told not to). */
export function fillPath(path: string, values: Record<string, string>, encode = true): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name] ?? 'missing';
    return encode ? encodeURIComponent(value) : value;
  });
}
