/* Requests that never reach a handler's rules: each gets a 4xx in the one error shape, never a 500. */
import { bearer, signupUser, type TestUser } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const ERROR_SHAPE = { statusCode: expect.any(Number), error: expect.any(String), message: expect.any(String) };

describe('request errors', () => {
  let testApp: TestApp;
  let user: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp();
    user = await signupUser(testApp);
  });

  afterAll(async () => {
    await testApp.close();
  });

  const postRaw = (path: string, raw: string) =>
    testApp.api().post(path).set(bearer(user)).set('Content-Type', 'application/json').send(raw);

  it.each(['{', '{"user_id": 1,', '{"user_id": 1 "message": "x"}', "{'single': 'quotes'}", 'nul'])(
    'answers 400 for the malformed JSON %j',
    async (raw) => {
      const response = await postRaw('/send', raw).expect(400);
      expect(response.body).toEqual({ ...ERROR_SHAPE, statusCode: 400, error: 'Bad Request' });
      expect(JSON.stringify(response.body)).not.toMatch(/at \w+ \(|node_modules/);
    },
  );

  it.each([
    ['an array', '[{"user_id": 1, "message": "x"}]'],
    ['a string', '"hello"'],
    ['a number', '42'],
    ['null', 'null'],
  ])('answers 400 when the body is %s', async (_label, raw) => {
    const response = await postRaw('/send', raw).expect(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it('answers 400 naming an unknown field', async () => {
    const response = await testApp
      .api()
      .post('/send')
      .set(bearer(user))
      .send({ user_id: 1, message: 'x', is_admin: true })
      .expect(400);
    expect(response.body.details).toContainEqual({ field: 'is_admin', errors: ['property is_admin should not exist'] });
  });

  it('answers 413 for a body over 64 KiB', async () => {
    const response = await testApp
      .api()
      .post('/send')
      .set(bearer(user))
      .send({ user_id: 1, message: 'x'.repeat(70 * 1024) })
      .expect(413);
    expect(response.body).toEqual({ ...ERROR_SHAPE, statusCode: 413, error: 'Payload Too Large' });
  });

  it('answers 404 in the error shape for an unknown route', async () => {
    const response = await testApp.api().get('/no/such/route').set(bearer(user)).expect(404);
    expect(response.body).toEqual({ ...ERROR_SHAPE, statusCode: 404, error: 'Not Found' });
  });

  it('does not advertise the framework', async () => {
    const response = await testApp.api().get('/health');
    expect(response.headers['x-powered-by']).toBeUndefined();
  });
});
