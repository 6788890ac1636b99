/* /health/live and /health/ready on the app; draining and MIGRATIONS_RUN are in operations.e2e-spec.ts. */
import { findFreePort } from '../../src/database/embedded-postgres.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('probes', () => {
  let testApp: TestApp | undefined;

  afterEach(async () => {
    await testApp?.close();
    testApp = undefined;
  });

  it('are public: live answers, ready checks the database and migrations', async () => {
    testApp = await createTestApp();
    await testApp.api().get('/health/live').expect(200, { status: 'ok', checks: {} });
    await testApp
      .api()
      .get('/health/ready')
      .expect(200, { status: 'ok', checks: { database: 'up', migrations: 'applied' } });
    // The old route answers as it always did.
    const health = await testApp.api().get('/health').expect(200);
    expect(health.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('ready checks Redis when REDIS_URL is set', async () => {
    testApp = await createTestApp({ env: { REDIS_URL } });
    await testApp
      .api()
      .get('/health/ready')
      .expect(200, {
        status: 'ok',
        checks: {
          database: 'up',
          migrations: 'applied',
          redis: 'up',
          // Several instances share Redis; files on one's own disk would be missing on the others.
          storage: 'local: not shared between instances; use STORAGE=s3 (or one shared volume)',
        },
      });
  });

  it('ready is 503 in the error shape while the configured Redis is down; live stays 200', async () => {
    testApp = await createTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${await findFreePort()}` } });
    const response = await testApp.api().get('/health/ready').expect(503);
    expect(response.body).toMatchObject({ statusCode: 503, message: 'Not ready: redis down' });
    await testApp.api().get('/health/live').expect(200);
  });
});
