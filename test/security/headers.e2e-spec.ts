/* HTTP hardening: helmet headers, CORS only for configured origins, no framework banner. */
import { createTestApp, type TestApp } from '../support/test-app.js';

describe('HTTP headers', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ env: { CORS_ORIGINS: 'https://app.example.com, https://admin.example.com' } });
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('sends helmet’s security headers and no x-powered-by', async () => {
    const response = await testApp.api().get('/health').expect(200);
    expect(response.headers['x-powered-by']).toBeUndefined();
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['strict-transport-security']).toBeDefined();
  });

  it('allows a configured origin', async () => {
    const response = await testApp
      .api()
      .options('/chat')
      .set('Origin', 'https://admin.example.com')
      .set('Access-Control-Request-Method', 'GET');
    expect(response.headers['access-control-allow-origin']).toBe('https://admin.example.com');
  });

  it('does not allow any other origin', async () => {
    const response = await testApp.api().get('/health').set('Origin', 'https://evil.example.com');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});
