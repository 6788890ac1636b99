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
    });
  });

  it('converts numeric strings', () => {
    expect(validateEnvironment({ PORT: '8080', TOKEN_TTL: '3600' })).toMatchObject({ PORT: 8080, TOKEN_TTL: 3600 });
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://localhost/db' }],
    ['TOKEN_TTL', { TOKEN_TTL: '5' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'chatty' }],
  ])('refuses a bad %s, naming it', (name, env) => {
    expect(() => validateEnvironment(env)).toThrow(new RegExp(name));
  });
});
