import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../services/config.js';

const validKey = Buffer.alloc(32, 7).toString('base64');

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('defaults to the embedded database, demo mode and a key file in the data folder', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      host: '127.0.0.1',
      port: 8080,
      mongoUri: undefined,
      demo: true,
    });
    expect(config.masterKey).toMatchObject({ source: 'file', createIfMissing: true });
    expect(config.jsonBodyLimitBytes).toBe(262_144);
    expect(config.concurrency).toEqual({ maxInFlight: 64, retryAfterSeconds: 1 });
    expect(config.passwordWorkers).toBe(2);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('turns demo mode off with an external database unless asked for', () => {
    expect(loadConfig({ MONGODB_URI: 'mongodb://db:27017/coop' }).demo).toBe(false);
    expect(loadConfig({ MONGODB_URI: 'mongodb://db:27017/coop', DATACOOP_DEMO: 'true' }).demo).toBe(true);
  });

  it('rejects a request limit that is not a positive integer', () => {
    expect(problemsOf({ MAX_IN_FLIGHT_REQUESTS: '0' })).toEqual([expect.stringContaining('MAX_IN_FLIGHT_REQUESTS')]);
    expect(problemsOf({ MAX_IN_FLIGHT_REQUESTS: '2.5' })).toEqual([expect.stringContaining('MAX_IN_FLIGHT_REQUESTS')]);
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({ PORT: 'eighty', ACCESS_TOKEN_TTL_SECONDS: '3600', MONGODB_URI: 'postgres://x' });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/PORT/);
    expect(problems.join('\n')).toMatch(/ACCESS_TOKEN_TTL_SECONDS/);
    expect(problems.join('\n')).toMatch(/MONGODB_URI/);
  });

  it.each([
    ['missing', {}],
    ['too short', { DATACOOP_MASTER_KEY: Buffer.alloc(16).toString('base64') }],
    ['not base64', { DATACOOP_MASTER_KEY: 'this is not a key at all, really not!!' }],
  ])('refuses a %s master key in production', (_label, env) => {
    const problems = problemsOf({ NODE_ENV: 'production', MONGODB_URI: 'mongodb://db/coop', ...env });
    expect(problems.join('\n')).toMatch(/DATACOOP_MASTER_KEY/);
  });

  it('accepts a 32-byte key in production and never allows demo accounts there', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      MONGODB_URI: 'mongodb://db/coop',
      DATACOOP_MASTER_KEY: validKey,
    });
    expect(config.masterKey.source).toBe('env');
    expect(config.demo).toBe(false);
    expect(
      problemsOf({
        NODE_ENV: 'production',
        MONGODB_URI: 'mongodb://db/coop',
        DATACOOP_MASTER_KEY: validKey,
        DATACOOP_DEMO: 'true',
      }),
    ).toEqual([expect.stringMatching(/DATACOOP_DEMO/)]);
  });

  it('rejects access tokens living longer than 15 minutes', () => {
    expect(problemsOf({ ACCESS_TOKEN_TTL_SECONDS: '901' })).toHaveLength(1);
    expect(loadConfig({ ACCESS_TOKEN_TTL_SECONDS: '900' }).jwt.accessTtlSeconds).toBe(900);
  });

  it('caps the failed log-ins per account (a success clears them one id each)', () => {
    expect(problemsOf({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000000' })).toHaveLength(1);
    expect(loadConfig({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000' }).loginThrottle.maxFailuresPerAccount).toBe(1000);
    expect(loadConfig({}).loginThrottle.maxFailuresPerAccount).toBe(5);
  });

  it('parses the CORS allow-list and rejects non-origins', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, http://localhost:5173' }).corsOrigins).toEqual([
      'https://a.example',
      'http://localhost:5173',
    ]);
    expect(problemsOf({ CORS_ORIGINS: 'https://a.example/path' })).toHaveLength(1);
  });
});
