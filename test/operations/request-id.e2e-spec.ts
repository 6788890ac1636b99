/* X-Request-Id: accepted when sane, minted otherwise, echoed on every response and named in error bodies. */
import { createTestApp, type TestApp } from '../support/test-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('echo a sane incoming X-Request-Id', async () => {
    const response = await testApp.api().get('/health/live').set('X-Request-Id', 'lb-7f3a:42').expect(200);
    expect(response.headers['x-request-id']).toBe('lb-7f3a:42');
  });

  it.each([
    ['too long', 'x'.repeat(129)],
    ['with spaces', 'a b'],
    ['with markup', '<script>'],
  ])('replace an incoming id %s with a new UUID', async (_, id) => {
    const response = await testApp.api().get('/health/live').set('X-Request-Id', id).expect(200);
    expect(response.headers['x-request-id']).toMatch(UUID);
  });

  it('mint a different one for each request', async () => {
    const first = await testApp.api().get('/health/live');
    const second = await testApp.api().get('/health/live');
    expect(first.headers['x-request-id']).toMatch(UUID);
    expect(second.headers['x-request-id']).toMatch(UUID);
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
  });

  it('name the request in error bodies, from the guard, the body parser and unknown routes alike', async () => {
    const unauthorized = await testApp.api().get('/current_user').set('X-Request-Id', 'req-401').expect(401);
    expect(unauthorized.body).toMatchObject({ statusCode: 401, request_id: 'req-401' });

    const malformed = await testApp
      .api()
      .post('/login')
      .set('X-Request-Id', 'req-400')
      .set('content-type', 'application/json')
      .send('{"username":')
      .expect(400);
    expect(malformed.body).toMatchObject({ statusCode: 400, request_id: 'req-400' });
    expect(malformed.headers['x-request-id']).toBe('req-400');

    const tooLarge = await testApp
      .api()
      .post('/login')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ username: 'x'.repeat(70_000) }))
      .expect(413);
    expect(tooLarge.body.request_id).toBe(tooLarge.headers['x-request-id']);

    const unknown = await testApp.api().get('/no/such/route').expect(404);
    expect(unknown.body.request_id).toMatch(UUID);
  });
});
