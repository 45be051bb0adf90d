import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRegistration, registerAndLogin } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({
    JSON_BODY_LIMIT_BYTES: '2048',
    CORS_ORIGINS: 'https://app.datacoop.example',
  });
});
afterAll(() => app.close());

describe('bad input at the edge', () => {
  it('answers malformed JSON with 400 invalid_json', async () => {
    const response = await app.request('POST', '/api/auth/register', {
      rawBody: '{"email": "a@b.ch",',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: { code: 'invalid_json', message: expect.any(String) } });
  });

  it('answers an empty body with 400 invalid_json', async () => {
    const response = await app.request('POST', '/api/auth/login', {
      rawBody: '',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_json');
  });

  it('answers a wrong content type with 415', async () => {
    const response = await app.request('POST', '/api/auth/register', {
      rawBody: 'email=a@b.ch',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(415);
    expect(response.body.error.code).toBe('unsupported_media_type');
  });

  it('answers a body over the limit with 413, declared or streamed', async () => {
    const big = JSON.stringify(buildRegistration({ name: 'x'.repeat(4000) }));
    const declared = await app.request('POST', '/api/auth/register', {
      rawBody: big,
      headers: { 'content-type': 'application/json' },
    });
    expect(declared.status).toBe(413);
    expect(declared.body.error.code).toBe('payload_too_large');
    const chunked = await fetch(`${app.baseUrl}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new Blob([big]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it('answers a wrong method on a known path with 405 and Allow', async () => {
    const response = await app.request('DELETE', '/api/auth/login');
    expect(response.status).toBe(405);
    expect(response.body.error.code).toBe('method_not_allowed');
    expect(response.headers.get('allow')).toContain('POST');
  });

  it('answers an unknown path with 404 in the error format', async () => {
    const response = await app.request('GET', '/api/does-not-exist');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });

  it.each([
    ['an oversize header block', `GET /api/me HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ['a malformed request line', 'GET /api/me NOT-HTTP\r\n\r\n', 400],
    [
      'a forbidden transfer encoding',
      'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n',
      400,
    ],
  ])('answers %s, refused by the HTTP parser, in the error format', async (_, request, status) => {
    const raw = await rawExchange(app.baseUrl, request);
    const [head, body] = raw.split('\r\n\r\n');
    expect(head).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
    expect(head).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(body!)).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
  });

  it('validates path parameters', async () => {
    const steward = await app.services.members.createSteward(
      { email: 'edge-steward@example.org', password: 'steward password', name: 'S' },
      app.clock.now(),
    );
    expect(steward.role).toBe('steward');
    const login = await app.request('POST', '/api/auth/login', {
      body: { email: 'edge-steward@example.org', password: 'steward password' },
    });
    const response = await app.request('POST', '/api/steward/researchers/not-a-uuid/verify', {
      token: login.body.accessToken,
      body: {
        organisation: 'Uni',
        nonProfit: true,
        evidence: { method: 'institutional_directory', note: 'Listed in the staff directory' },
      },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details[0].field).toBe('id');
  });

  it('refuses a consent once, at the edge, with the rule’s own codes in the one error format', async () => {
    const member = await registerAndLogin(app, { email: 'edge-consent@example.org' });
    const response = await app.request('PUT', '/api/me/consent', {
      token: member.accessToken,
      body: { categories: { 'shoe-size': 'aggregate', 'heart-rate': 'all' }, optedOutPolicies: ['ok', '$where'] },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.details.map((d: { field: string; code: string }) => `${d.field}:${d.code}`)).toEqual(
      expect.arrayContaining([
        'categories.shoe-size:unknown_category',
        'categories.heart-rate:invalid_level',
        'optedOutPolicies[1]:invalid_policy_id',
      ]),
    );
  });

  it('states the real rules in the OpenAPI document', async () => {
    const { paths } = (await app.request('GET', '/openapi.json')).body;
    const body = (method: string, path: string) => paths[path][method].requestBody.content['application/json'].schema;
    const register = body('post', '/api/auth/register');
    expect(register.properties.password).toMatchObject({ minLength: 8, maxLength: 1024 });
    expect(register.properties.birthYear).toMatchObject({ minimum: 1800, maximum: 2200 });
    const consent = body('put', '/api/me/consent');
    expect(consent.properties.categories.propertyNames.enum).toContain('heart-rate');
    const request = body('post', '/api/research/requests');
    expect(request.properties.categories).toMatchObject({ minItems: 1, uniqueItems: true });
    expect(request.properties.categories.items.enum).toContain('heart-rate');
    const query = body('post', '/api/research/queries');
    expect(query.properties.statistic.enum).toEqual(['count', 'mean', 'quantiles', 'histogram']);
    const cursor = paths['/api/me/observations'].get.parameters.find((p: { name: string }) => p.name === 'cursor');
    expect(cursor.schema.pattern).toBeDefined();
  });

  it('limits log-in attempts per client address, exactly, even when they race', async () => {
    const limited = await createTestApp({ LOGIN_MAX_ATTEMPTS_PER_IP: '4' });
    try {
      const statuses = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          limited
            .request('POST', '/api/auth/login', { body: { email: `nobody${i}@example.org`, password: 'whatever1' } })
            .then((r) => r.status),
        ),
      );
      expect(statuses.filter((s) => s === 401)).toHaveLength(4);
      expect(statuses.filter((s) => s === 429)).toHaveLength(6);
    } finally {
      await limited.close();
    }
  });
});

describe('response hygiene', () => {
  it('sets security headers, a request id and no-store on API responses', async () => {
    const response = await app.request('GET', '/api/me');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-request-id')).toMatch(/[0-9a-f-]{36}/);
  });

  it('echoes a sane incoming request id and replaces an unsafe one', async () => {
    const sane = await app.request('GET', '/health/live', { headers: { 'x-request-id': 'trace-12345678' } });
    expect(sane.headers.get('x-request-id')).toBe('trace-12345678');
    const unsafe = await app.request('GET', '/health/live', { headers: { 'x-request-id': 'bad id <script>' } });
    expect(unsafe.headers.get('x-request-id')).not.toContain('script');
  });

  it('allows CORS only for listed origins', async () => {
    const allowed = await app.request('GET', '/health/live', { headers: { origin: 'https://app.datacoop.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.datacoop.example');
    const other = await app.request('GET', '/health/live', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('forbids a member from steward routes with a reason code', async () => {
    const member = await registerAndLogin(app);
    const response = await app.request('GET', '/api/steward/researchers', { token: member.accessToken });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('role_not_allowed');
  });
});

describe('operations endpoints', () => {
  it('reports liveness and readiness', async () => {
    expect((await app.request('GET', '/health/live')).status).toBe(200);
    const ready = await app.request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', database: 'up' });
  });

  it('exposes Prometheus metrics', async () => {
    await app.request('GET', '/health/live');
    const response = await app.request('GET', '/metrics');
    expect(response.status).toBe(200);
    expect(response.text).toContain('datacoop_http_request_duration_seconds_bucket');
    expect(response.text).toContain('process_resident_memory_bytes');
  });

  it('publishes an OpenAPI document that states who may call each operation', async () => {
    const response = await app.request('GET', '/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    const paths = Object.keys(response.body.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/auth/register',
        '/api/auth/login',
        '/api/auth/refresh',
        '/api/auth/logout',
        '/api/me',
        '/api/steward/researchers',
        '/api/steward/researchers/{id}/verify',
      ]),
    );
    for (const methods of Object.values(response.body.paths) as Record<string, { 'x-access': unknown }>[]) {
      for (const operation of Object.values(methods)) expect(operation['x-access']).toBeDefined();
    }
    expect(
      response.body.paths['/api/auth/register'].post.requestBody.content['application/json'].schema.required,
    ).toEqual(expect.arrayContaining(['email', 'password', 'name', 'role']));
  });

  it('serves a readable API reference and the landing page', async () => {
    const reference = await app.request('GET', '/api/docs');
    expect(reference.status).toBe(200);
    expect(reference.headers.get('content-type')).toContain('text/html');
    expect(reference.text).toContain('/api/auth/login');
    expect(reference.text).toContain('href="/api/docs.css"');
    const styles = await app.request('GET', '/api/docs.css');
    expect(styles.status).toBe(200);
    expect(styles.headers.get('content-type')).toContain('text/css');
    const landing = await app.request('GET', '/');
    expect(landing.status).toBe(200);
    expect(landing.text).toContain('Datacoop');
    expect((await app.request('GET', '/assets/..%2Fpackage.json')).status).toBe(404);
    expect((await app.request('GET', '/assets/no-such-file.js')).status).toBe(404);
  });
});

/** Sends bytes over a plain TCP connection and returns everything the server answers until it closes. */
function rawExchange(baseUrl: string, request: string): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer')));
  });
}
