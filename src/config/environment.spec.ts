import { validateEnvironment } from './environment.js';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

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

  it('reads offline reach off by default, and its lists and switches from strings', () => {
    expect(validateEnvironment({})).toMatchObject({
      WEBHOOK_URLS: [],
      PUSH_PREVIEWS: true,
      PUSH_ALLOW_INSECURE_ENDPOINTS: false,
      PUSH_DELAY_MS: 3_000,
    });
    expect(
      validateEnvironment({
        WEBHOOK_URLS: ' https://hooks.example.com/a , http://10.0.0.2:4000/b,',
        WEBHOOK_SECRET: SECRET,
        PUSH_PREVIEWS: 'false',
        PUSH_ALLOW_INSECURE_ENDPOINTS: 'true',
      }),
    ).toMatchObject({
      WEBHOOK_URLS: ['https://hooks.example.com/a', 'http://10.0.0.2:4000/b'],
      PUSH_PREVIEWS: false,
      PUSH_ALLOW_INSECURE_ENDPOINTS: true,
    });
  });

  it('reads replicas off by default, and their URLs as a list', () => {
    expect(validateEnvironment({})).toMatchObject({
      DATABASE_REPLICA_URLS: [],
      REPLICA_MAX_LAG_MS: 5_000,
      REPLICA_POLL_INTERVAL_MS: 50,
    });
    expect(
      validateEnvironment({ DATABASE_REPLICA_URLS: 'postgres://a:5433/parley, postgresql://b/parley,' })
        .DATABASE_REPLICA_URLS,
    ).toEqual(['postgres://a:5433/parley', 'postgresql://b/parley']);
  });

  it('refuses replicas with several workers and no Redis: a worker would not see the positions of another', () => {
    const replicas = { DATABASE_REPLICA_URLS: 'postgres://a:5433/parley', WEB_CONCURRENCY: '2' };
    expect(() => validateEnvironment(replicas)).toThrow('needs REDIS_URL');
    expect(validateEnvironment({ ...replicas, REDIS_URL: 'redis://r:6379' }).WEB_CONCURRENCY).toBe(2);
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
    ['VAPID_SUBJECT', { VAPID_SUBJECT: 'ops@example.com' }],
    ['WEBHOOK_URLS', { WEBHOOK_URLS: 'https://hooks.example.com/a,ftp://files.example.com', WEBHOOK_SECRET: SECRET }],
    ['WEBHOOK_SECRET', { WEBHOOK_URLS: 'https://hooks.example.com/a' }],
    ['WEBHOOK_SECRET', { WEBHOOK_SECRET: 'not-a-secret' }],
    ['DATABASE_REPLICA_URLS', { DATABASE_REPLICA_URLS: 'postgres://a/parley,mysql://b/parley' }],
    ['REPLICA_POLL_INTERVAL_MS', { REPLICA_POLL_INTERVAL_MS: '1' }],
  ])('refuses a bad %s, naming it', (name, env) => {
    expect(() => validateEnvironment(env)).toThrow(new RegExp(name));
  });
});
