import { validateEnvironment } from './environment.js';

describe('validateEnvironment', () => {
  it('fills in every default', () => {
    expect(validateEnvironment({})).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      EMBEDDED_PG_DIR: '.data/postgres',
      DB_POOL_SIZE: 10,
      TOKEN_TTL: 30 * 24 * 3600,
      LOG_LEVEL: 'log',
      ACCESS_LOG_LEVEL: 'debug',
      SHUTDOWN_DELAY_MS: 5_000,
      KEEP_ALIVE_TIMEOUT_MS: 65_000,
      HEADERS_TIMEOUT_MS: 66_000,
      MIGRATIONS_RUN: 'true',
    });
    expect(validateEnvironment({}).METRICS_PORT).toBeUndefined();
    expect(validateEnvironment({}).TRUST_PROXY).toBeUndefined();
  });

  it('converts numeric strings', () => {
    expect(validateEnvironment({ PORT: '8080', TOKEN_TTL: '3600' })).toMatchObject({ PORT: 8080, TOKEN_TTL: 3600 });
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://localhost/db' }],
    ['TOKEN_TTL', { TOKEN_TTL: '5' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'chatty' }],
    ['LOG_FORMAT', { LOG_FORMAT: 'xml' }],
    ['METRICS_PORT', { METRICS_PORT: '70000' }],
    ['MIGRATIONS_RUN', { MIGRATIONS_RUN: 'no' }],
    ['TRUST_PROXY', { TRUST_PROXY: 'true' }],
  ])('refuses a bad %s, naming it', (name, env) => {
    expect(() => validateEnvironment(env)).toThrow(new RegExp(name));
  });
});
