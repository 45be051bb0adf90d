// Builders with overrides for accounts, so each test states only what matters to it.
import { randomUUID } from 'node:crypto';
import type { TestApp } from './test-app.js';

export interface BuiltAccount {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

/** A registration body for a member with unique e-mail; override any field. */
export function buildRegistration(overrides: Record<string, unknown> = {}) {
  return {
    email: `member-${randomUUID().slice(0, 8)}@example.org`,
    password: 'correct horse battery staple',
    name: 'Test Member',
    role: 'member',
    ...overrides,
  };
}

/** Registers an account through the API and logs it in. */
export async function registerAndLogin(app: TestApp, overrides: Record<string, unknown> = {}): Promise<BuiltAccount> {
  const registration = buildRegistration(overrides);
  const registered = await app.request('POST', '/api/auth/register', { body: registration });
  if (registered.status !== 201) throw new Error(`register failed: ${registered.status} ${registered.text}`);
  const tokens = await login(app, registration.email as string, registration.password as string);
  return {
    id: registered.body.id,
    email: registration.email as string,
    password: registration.password as string,
    ...tokens,
  };
}

/** Logs in through the API and returns the token pair. */
export async function login(app: TestApp, email: string, password: string) {
  const response = await app.request('POST', '/api/auth/login', { body: { email, password } });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${response.text}`);
  return { accessToken: response.body.accessToken as string, refreshToken: response.body.refreshToken as string };
}

/** Creates a steward directly (stewards are appointed by CLI, never over HTTP) and logs them in. */
export async function createStewardAndLogin(app: TestApp): Promise<BuiltAccount> {
  const email = `steward-${randomUUID().slice(0, 8)}@example.org`;
  const password = 'steward password 2026';
  const account = await app.services.accounts.createSteward({ email, password, name: 'Test Steward' }, app.clock.now());
  return { id: account.id, email, password, ...(await login(app, email, password)) };
}
