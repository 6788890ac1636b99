/*
 * Requests that never reach a handler's rules: each gets a 4xx in the one error shape, never a 500.
 * Raw HTTP where the SDK's types cannot express the mistake (malformed JSON, unknown fields), the SDK elsewhere.
 */
import { sendMessage, signup } from '@parley/client';
import { bearer, signupUser, type TestUser } from './support/factories.js';
import { listenForSdk, type SdkTarget } from './support/sdk-client.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const ERROR_SHAPE = {
  statusCode: expect.any(Number),
  error: expect.any(String),
  message: expect.any(String),
  request_id: expect.any(String),
};

describe('request errors', () => {
  let testApp: TestApp;
  let sdk: SdkTarget;
  let user: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp();
    sdk = await listenForSdk(testApp);
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
    const { response, error } = await sendMessage({
      client: sdk.as(user),
      body: { user_id: 1, message: 'x'.repeat(70 * 1024) },
    });
    expect(response.status).toBe(413);
    expect(error).toEqual({ ...ERROR_SHAPE, statusCode: 413, error: 'Payload Too Large' });
  });

  it('gives the SDK a typed 400 naming each invalid field', async () => {
    const { response, error } = await sendMessage({ client: sdk.as(user), body: { user_id: 0, message: '' } });
    expect(response.status).toBe(400);
    expect(error?.details?.map((detail) => detail.field).sort()).toEqual(['message', 'user_id']);
  });

  it('gives the SDK a typed 409 for a taken username', async () => {
    const { response, error } = await signup({
      client: sdk.anonymous,
      body: { username: user.username, email: 'other@example.com', password_1: 'password-9', password_2: 'password-9' },
    });
    expect(response.status).toBe(409);
    expect(error).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: 'That username is already taken',
      request_id: expect.any(String),
    });
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
