import pg from 'pg';
import { bearer, signupUser } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const TIMEOUT_MS = 300;

describe('REQUEST_TIMEOUT_MS', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ env: { REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) } });
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('answers 503 in the error shape when the database holds a request too long, and serves on after', async () => {
    const user = await signupUser(testApp);
    const locker = new pg.Client({ connectionString: testApp.database.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE chats IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const response = await testApp.api().get('/chat').set(bearer(user));
      const waited = Date.now() - started;

      expect(response.status).toBe(503);
      expect(response.body).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'The request took too long; retry shortly',
      });
      expect(waited).toBeGreaterThanOrEqual(TIMEOUT_MS);
      expect(waited).toBeLessThan(5_000);
    } finally {
      await locker.query('COMMIT');
      await locker.end();
    }
    await testApp.api().get('/chat').set(bearer(user)).expect(200);
  });
});
