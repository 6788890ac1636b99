import { embeddedPostgresFailure } from './embedded-postgres-errors.js';

describe('embeddedPostgresFailure', () => {
  it('tells root why user postgres matters, and both ways out', () => {
    const spawnError = Object.assign(new Error('spawn /x/node_modules/initdb EACCES'), { code: 'EACCES' });
    const { message } = embeddedPostgresFailure(spawnError, '/root/app/.data/postgres', true);
    expect(message).toMatch(/^The embedded PostgreSQL could not start in \/root\/app\/\.data\/postgres \(spawn/);
    expect(message).toContain('as root it runs as user `postgres`');
    expect(message).toContain('set DATABASE_URL to a PostgreSQL server');
    expect(message).toContain('run from a directory user `postgres` can read');
  });

  it('says that a production install has no embedded PostgreSQL', () => {
    const missing = Object.assign(new Error("Cannot find package 'embedded-postgres' imported from /app/dist"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    expect(embeddedPostgresFailure(missing, '.data/postgres').message).toMatch(
      /not installed .* set DATABASE_URL to your PostgreSQL server\.$/,
    );
  });

  it('names a server that exited without a reason', () => {
    expect(embeddedPostgresFailure(undefined, '/d', false).message).toContain('the server exited before it was ready');
  });
});
