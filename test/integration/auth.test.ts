import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTokenService } from '../../services/auth/index.js';
import { REFRESH_REUSE_GRACE_MS } from '../../services/members/index.js';
import { buildRegistration, login, registerAndLogin } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_ATTEMPTS_PER_IP: '1000' });
});
afterAll(() => app.close());

describe('register', () => {
  it('creates an active account holder who is not yet a member (no membership start date)', async () => {
    const body = buildRegistration({ name: 'Anna Keller', birthYear: 1984, sex: 'female', region: 'CH04' });
    const response = await app.request('POST', '/api/auth/register', { body });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ role: 'member', status: 'active', name: 'Anna Keller', region: 'CH04' });
    expect(response.body.memberSince).toBeUndefined();
    expect(response.body.membership).toEqual({ status: 'none', votingRights: false });
    expect(response.body).not.toHaveProperty('passwordHash');
  });

  it('creates a researcher pending verification', async () => {
    const body = buildRegistration({ role: 'researcher', organisation: 'University of Bern' });
    const response = await app.request('POST', '/api/auth/register', { body });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ role: 'researcher', verification: 'pending' });
    expect(response.body.memberSince).toBeUndefined();
  });

  it('refuses to register a steward', async () => {
    const response = await app.request('POST', '/api/auth/register', { body: buildRegistration({ role: 'steward' }) });
    expect(response.status).toBe(400);
    expect(response.body.error.details[0].field).toBe('role');
  });

  it('answers an address already in use (any case) exactly like a new one, and creates nothing', async () => {
    const body = buildRegistration({ name: 'First Owner' });
    const first = await app.request('POST', '/api/auth/register', { body });
    expect(first.status).toBe(201);
    const hash = vi.spyOn(app.services.passwords, 'hash');
    const attempt = {
      ...body,
      email: (body.email as string).toUpperCase(),
      name: 'Someone Else',
      password: 'other password',
    };
    const again = await app.request('POST', '/api/auth/register', { body: attempt });
    const fresh = await app.request('POST', '/api/auth/register', {
      body: buildRegistration({ name: 'Someone Else' }),
    });
    // Same status, same fields, a password hashed in both paths (so similar timing).
    expect(again.status).toBe(201);
    expect(Object.keys(again.body).sort()).toEqual(Object.keys(fresh.body).sort());
    expect(again.body).toMatchObject({ role: 'member', status: 'active', name: 'Someone Else' });
    expect(hash).toHaveBeenCalledTimes(2);
    hash.mockRestore();
    // Nothing was stored: the owner's account is untouched and the answered id leads nowhere.
    expect(again.body.id).not.toBe(first.body.id);
    expect(await app.connection.db!.collection('users').countDocuments({ _id: again.body.id })).toBe(0);
    expect((await login(app, body.email as string, body.password as string)).accessToken).toEqual(expect.any(String));
    const intruder = await app.request('POST', '/api/auth/login', {
      body: { email: body.email, password: 'other password' },
    });
    expect(intruder.status).toBe(401);
  });

  it('takes no longer to answer a taken address than a new one (no timing oracle)', async () => {
    const taken = buildRegistration();
    await app.request('POST', '/api/auth/register', { body: taken });
    const timed = async (body: Record<string, unknown>) => {
      const started = performance.now();
      expect((await app.request('POST', '/api/auth/register', { body })).status).toBe(201);
      return performance.now() - started;
    };
    const takenTimes: number[] = [];
    const newTimes: number[] = [];
    for (let i = 0; i < 4; i++) {
      takenTimes.push(await timed({ ...taken, password: `another password ${i}` }));
      newTimes.push(await timed(buildRegistration()));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    // Both are dominated by one Argon2id hash; without one the taken address would answer in a few ms.
    expect(median(takenTimes)).toBeGreaterThan(median(newTimes) * 0.4);
    expect(median(takenTimes)).toBeLessThan(median(newTimes) * 2.5);
  });

  it('still refuses a second steward with an address in use (the CLI says so plainly)', async () => {
    const email = `steward-twice-${Date.now()}@example.org`;
    await app.services.members.createSteward({ email, password: 'steward password', name: 'S' }, app.clock.now());
    await expect(
      app.services.members.createSteward({ email, password: 'steward password', name: 'S' }, app.clock.now()),
    ).rejects.toMatchObject({ status: 409, code: 'email_unavailable' });
  });

  it('lists every unknown field instead of assigning it', async () => {
    const body = buildRegistration({ isAdmin: true, status: 'verified' });
    const response = await app.request('POST', '/api/auth/register', { body });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['isAdmin', 'status']);
  });

  it.each([
    ['too short', 'seven77', 400],
    ['8 characters', 'eight888', 201],
    ['1024 characters', 'x'.repeat(1024), 201],
    ['1025 characters', 'x'.repeat(1025), 400],
    ['8 emoji (counted as characters)', '🔒'.repeat(8), 201],
  ])('accepts passwords of 8–1024 characters: %s', async (_label, password, status) => {
    const response = await app.request('POST', '/api/auth/register', { body: buildRegistration({ password }) });
    expect(response.status).toBe(status);
  });

  it('takes passwords exactly as given (no trimming)', async () => {
    const registration = buildRegistration({ password: '  spaced password  ' });
    await app.request('POST', '/api/auth/register', { body: registration });
    const trimmed = await app.request('POST', '/api/auth/login', {
      body: { email: registration.email, password: 'spaced password' },
    });
    expect(trimmed.status).toBe(401);
    await expect(login(app, registration.email as string, '  spaced password  ')).resolves.toBeDefined();
  });

  it('rejects a research profile on a researcher and an implausible birth year', async () => {
    const researcher = await app.request('POST', '/api/auth/register', {
      body: buildRegistration({ role: 'researcher', birthYear: 1980 }),
    });
    expect(researcher.status).toBe(400);
    expect(researcher.body.error.details).toEqual([
      expect.objectContaining({ field: 'birthYear', code: 'members_only' }),
    ]);
    const future = await app.request('POST', '/api/auth/register', { body: buildRegistration({ birthYear: 2150 }) });
    expect(future.status).toBe(400);
    expect(future.body.error.details[0].field).toBe('birthYear');
  });
});

describe('personal data at rest', () => {
  it('stores no e-mail, name or research profile in plaintext', async () => {
    const registration = buildRegistration({ name: 'Zacharias Plaintextcheck', region: 'CH07', birthYear: 1977 });
    const response = await app.request('POST', '/api/auth/register', { body: registration });
    const raw = await app.connection.db!.collection('users').findOne({ _id: response.body.id });
    const serialised = JSON.stringify(raw) + Buffer.from(JSON.stringify(raw)).toString('latin1');
    expect(serialised).not.toContain('Zacharias');
    expect(serialised).not.toContain((registration.email as string).split('@')[0]);
    expect(serialised).not.toContain('CH07');
    expect(Object.keys(raw!).sort()).toEqual(
      [
        '_id',
        'createdAt',
        'emailIndex',
        'locale',
        'passwordHash',
        'profile',
        'role',
        'schemaVersion',
        'status',
        'updatedAt',
        'wrappedKey',
      ].sort(),
    );
    expect(raw!.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it('cannot read a profile moved onto another account', async () => {
    const a = await registerAndLogin(app);
    const b = await registerAndLogin(app);
    const users = app.connection.db!.collection('users');
    const source = await users.findOne({ _id: a.id as never });
    await users.updateOne({ _id: b.id as never }, { $set: { profile: source!.profile } });
    const me = await app.request('GET', '/api/me', { token: b.accessToken });
    expect(me.status).toBe(500);
    expect(me.body.error.code).toBe('internal_error');
    expect(me.text).not.toContain('Decryption');
    expect(me.text).not.toMatch(/at .*\.ts/);
  });
});

describe('login', () => {
  it('gives an access token, a refresh token and its lifetime', async () => {
    const account = await registerAndLogin(app);
    const response = await app.request('POST', '/api/auth/login', {
      body: { email: account.email, password: account.password },
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: 600,
      tokenType: 'Bearer',
    });
    const me = await app.request('GET', '/api/me', { token: response.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(account.email);
  });

  it('answers a wrong password and an unknown e-mail identically, spending a hash on both', async () => {
    const account = await registerAndLogin(app);
    const dummy = vi.spyOn(app.services.passwords, 'verifyAgainstDummy');
    const real = vi.spyOn(app.services.passwords, 'verify');
    const wrong = await app.request('POST', '/api/auth/login', {
      body: { email: account.email, password: 'wrong password' },
    });
    const unknown = await app.request('POST', '/api/auth/login', {
      body: { email: 'nobody-here@example.org', password: 'wrong password' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(real).toHaveBeenCalledTimes(1);
    expect(dummy).toHaveBeenCalledTimes(1);
    dummy.mockRestore();
    real.mockRestore();
  });

  it('limits failed attempts per account with 429 and Retry-After', async () => {
    const account = await registerAndLogin(app);
    for (let i = 0; i < 3; i++) {
      const failed = await app.request('POST', '/api/auth/login', {
        body: { email: account.email, password: 'nope nope' },
      });
      expect(failed.status).toBe(401);
    }
    const limited = await app.request('POST', '/api/auth/login', {
      body: { email: account.email, password: account.password },
    });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('refresh and logout', () => {
  it('rotates the refresh token: the new one works, the old one is spent', async () => {
    const account = await registerAndLogin(app);
    const first = await app.request('POST', '/api/auth/refresh', { body: { refreshToken: account.refreshToken } });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(account.refreshToken);
    const second = await app.request('POST', '/api/auth/refresh', { body: { refreshToken: first.body.refreshToken } });
    expect(second.status).toBe(200);
  });

  it('revokes the whole session when a used refresh token comes back after the grace period', async () => {
    const account = await registerAndLogin(app);
    const rotated = await app.request('POST', '/api/auth/refresh', { body: { refreshToken: account.refreshToken } });
    app.clock.advance(REFRESH_REUSE_GRACE_MS + 1_000);
    try {
      const replay = await app.request('POST', '/api/auth/refresh', { body: { refreshToken: account.refreshToken } });
      expect(replay.status).toBe(401);
      expect(replay.body.error.code).toBe('invalid_refresh_token');
      // The legitimate newest token and its access token die with the session.
      const newest = await app.request('POST', '/api/auth/refresh', {
        body: { refreshToken: rotated.body.refreshToken },
      });
      expect(newest.status).toBe(401);
      expect((await app.request('GET', '/api/me', { token: rotated.body.accessToken })).status).toBe(401);
    } finally {
      app.clock.advance(-(REFRESH_REUSE_GRACE_MS + 1_000));
    }
  });

  it('answers concurrent uses of one refresh token with one and the same successor, never a second chain', async () => {
    const account = await registerAndLogin(app);
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        app.request('POST', '/api/auth/refresh', { body: { refreshToken: account.refreshToken } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(200));
    // One successor for all six: the session goes on as one chain of refresh tokens.
    expect(new Set(results.map((r) => r.body.refreshToken)).size).toBe(1);
    for (const r of results)
      expect((await app.request('GET', '/api/me', { token: r.body.accessToken })).status).toBe(200);
    const next = await app.request('POST', '/api/auth/refresh', {
      body: { refreshToken: results[0]!.body.refreshToken },
    });
    expect(next.status).toBe(200);
    expect((await app.request('GET', '/api/me', { token: next.body.accessToken })).status, 'the chain lives on').toBe(
      200,
    );
  });

  it('answers a replay within the grace period with the same successor, not a new live pair', async () => {
    const account = await registerAndLogin(app);
    const rotated = await app.request('POST', '/api/auth/refresh', { body: { refreshToken: account.refreshToken } });
    app.clock.advance(REFRESH_REUSE_GRACE_MS / 2);
    try {
      const replays = [];
      for (let i = 0; i < 3; i++)
        replays.push(await app.request('POST', '/api/auth/refresh', { body: { refreshToken: account.refreshToken } }));
      expect(replays.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(replays.map((r) => r.body.refreshToken)).toEqual(Array(3).fill(rotated.body.refreshToken));
      // The thief and the owner share one successor: once one uses it, the other's later use is reuse.
      const owner = await app.request('POST', '/api/auth/refresh', {
        body: { refreshToken: rotated.body.refreshToken },
      });
      expect(owner.status).toBe(200);
      app.clock.advance(REFRESH_REUSE_GRACE_MS + 1_000);
      const thief = await app.request('POST', '/api/auth/refresh', {
        body: { refreshToken: rotated.body.refreshToken },
      });
      expect(thief.status).toBe(401);
      expect((await app.request('GET', '/api/me', { token: owner.body.accessToken })).status).toBe(401);
    } finally {
      app.clock.advance(-(REFRESH_REUSE_GRACE_MS / 2 + REFRESH_REUSE_GRACE_MS + 1_000));
    }
  });

  it('rejects concurrent profile changes made from the same version instead of losing one', async () => {
    const account = await registerAndLogin(app);
    const results = await Promise.all(
      ['CH01', 'CH02', 'CH03', 'CH04'].map((region) =>
        app.request('PATCH', '/api/me', { token: account.accessToken, body: { region } }),
      ),
    );
    const winners = results.filter((r) => r.status === 200);
    expect(winners.length).toBeGreaterThanOrEqual(1);
    for (const loser of results.filter((r) => r.status !== 200))
      expect(loser.body.error.code).toBe('concurrent_update');
    const me = await app.request('GET', '/api/me', { token: account.accessToken });
    expect(winners.map((w) => w.body.region)).toContain(me.body.region);
  });

  it('ends the session on logout: the access token fails on the very next request', async () => {
    const account = await registerAndLogin(app);
    expect((await app.request('GET', '/api/me', { token: account.accessToken })).status).toBe(200);
    const logout = await app.request('POST', '/api/auth/logout', { body: { refreshToken: account.refreshToken } });
    expect(logout.status).toBe(204);
    expect((await app.request('GET', '/api/me', { token: account.accessToken })).status).toBe(401);
    expect(
      (await app.request('POST', '/api/auth/refresh', { body: { refreshToken: account.refreshToken } })).status,
    ).toBe(401);
  });

  it('rejects an unknown refresh token', async () => {
    const response = await app.request('POST', '/api/auth/refresh', { body: { refreshToken: 'not-a-token' } });
    expect(response.status).toBe(401);
  });
});

describe('access tokens', () => {
  const forge = (header: object, payload: object, signature = '') =>
    [header, payload].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') +
    '.' +
    signature;

  it('rejects a missing or malformed Authorization header', async () => {
    expect((await app.request('GET', '/api/me')).body.error.code).toBe('not_authenticated');
    expect((await app.request('GET', '/api/me', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
  });

  it('rejects an expired token', async () => {
    const account = await registerAndLogin(app);
    app.clock.advance(16 * 60 * 1000);
    try {
      const response = await app.request('GET', '/api/me', { token: account.accessToken });
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('invalid_token');
    } finally {
      app.clock.advance(-16 * 60 * 1000);
    }
  });

  it('rejects a token whose payload was altered', async () => {
    const account = await registerAndLogin(app);
    const [header, payload, signature] = account.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const altered = Buffer.from(JSON.stringify({ ...claims, role: 'steward' })).toString('base64url');
    expect((await app.request('GET', '/api/me', { token: `${header}.${altered}.${signature}` })).status).toBe(401);
  });

  it('rejects alg "none"', async () => {
    const account = await registerAndLogin(app);
    const claims = JSON.parse(Buffer.from(account.accessToken.split('.')[1]!, 'base64url').toString());
    const token = forge({ alg: 'none', typ: 'at+jwt' }, claims);
    expect((await app.request('GET', '/api/me', { token })).status).toBe(401);
  });

  it('rejects a correctly signed token for another audience or issuer', async () => {
    const account = await registerAndLogin(app);
    const claims = JSON.parse(Buffer.from(account.accessToken.split('.')[1]!, 'base64url').toString());
    for (const options of [
      { issuer: app.config.jwt.issuer, audience: 'another-service' },
      { issuer: 'someone-else', audience: app.config.jwt.audience },
    ]) {
      const other = await createTokenService(app.services.keyring, { ...options, ttlSeconds: 600 });
      const { token } = await other.issueAccessToken(
        { userId: claims.sub, sessionId: claims.sid, role: claims.role, stateAt: claims.st, researcherVerified: false },
        app.clock.now(),
      );
      expect((await app.request('GET', '/api/me', { token })).status).toBe(401);
    }
  });

  it('publishes the verification key at /.well-known/jwks.json', async () => {
    const response = await app.request('GET', '/.well-known/jwks.json');
    expect(response.status).toBe(200);
    expect(response.body.keys).toEqual([expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' })]);
    expect(response.body.keys[0]).not.toHaveProperty('d');
  });
});

describe('GET and PATCH /api/me', () => {
  it('changes name and research profile', async () => {
    const account = await registerAndLogin(app);
    const response = await app.request('PATCH', '/api/me', {
      token: account.accessToken,
      body: { name: 'New Name', region: 'CH02', sex: 'other' },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ name: 'New Name', region: 'CH02', sex: 'other', email: account.email });
    expect((await app.request('GET', '/api/me', { token: account.accessToken })).body.name).toBe('New Name');
  });

  it.each([
    ['role', 'steward'],
    ['email', 'other@example.org'],
    ['status', 'active'],
    ['verification', 'verified'],
  ])('cannot change %s', async (field, value) => {
    const account = await registerAndLogin(app);
    const response = await app.request('PATCH', '/api/me', { token: account.accessToken, body: { [field]: value } });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([expect.objectContaining({ field, code: 'unknown_field' })]);
  });

  it('rejects an empty patch', async () => {
    const account = await registerAndLogin(app);
    expect((await app.request('PATCH', '/api/me', { token: account.accessToken, body: {} })).status).toBe(400);
  });
});
