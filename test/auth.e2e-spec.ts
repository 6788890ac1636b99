import { bearer, signupUser, uniqueName } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('auth: /signup, /login, /logout and the token guard', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(async () => {
    await testApp.close();
  });

  const signupBody = (username = uniqueName()) => ({
    username,
    email: `${username}@example.com`,
    password_1: 'long enough password',
    password_2: 'long enough password',
  });

  describe('POST /signup', () => {
    it('creates the user, logs them in and returns {token, user}', async () => {
      const body = signupBody();
      const response = await testApp.api().post('/signup').send(body).expect(201);

      expect(response.body).toEqual({
        token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        user: { id: expect.any(Number), username: body.username, email: body.email, created_at: expect.any(String) },
      });
      expect(response.body).not.toHaveProperty('user.password_hash');
      const me = await testApp.api().get('/current_user').set(bearer(response.body)).expect(200);
      expect(me.body.id).toBe(response.body.user.id);
    });

    it.each([
      ['username', { username: 'ab' }],
      ['username', { username: 'has space' }],
      ['username', { username: 'x'.repeat(33) }],
      ['email', { email: 'not-an-email' }],
      ['password_1', { password_1: 'short', password_2: 'short' }],
      ['password_2', { password_2: 'a different password' }],
      ['username', { username: 42 }],
    ])('answers 400 naming %s when it is invalid (%j)', async (field, override) => {
      const response = await testApp
        .api()
        .post('/signup')
        .send({ ...signupBody(), ...override })
        .expect(400);

      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(response.body.details).toEqual([{ field, errors: [expect.any(String)] }]);
    });

    it('answers 400 listing every missing field', async () => {
      const response = await testApp.api().post('/signup').send({}).expect(400);
      const fields = response.body.details.map((d: { field: string }) => d.field).sort();
      expect(fields).toEqual(['email', 'password_1', 'password_2', 'username']);
    });

    it('answers 409 when the username is taken, whatever its case', async () => {
      const user = await signupUser(testApp);
      const response = await testApp.api().post('/signup').send(signupBody(user.username.toUpperCase())).expect(409);
      expect(response.body).toEqual({
        statusCode: 409,
        error: 'Conflict',
        message: 'That username is already taken',
        request_id: expect.any(String),
      });
    });

    it('answers 409 when the email is taken, whatever its case', async () => {
      const user = await signupUser(testApp);
      const response = await testApp
        .api()
        .post('/signup')
        .send({ ...signupBody(), email: user.email.toUpperCase() })
        .expect(409);
      expect(response.body.message).toBe('That email is already taken');
    });
  });

  describe('POST /login', () => {
    it('opens a new session per login; the username matches regardless of case', async () => {
      const user = await signupUser(testApp);
      const first = await testApp
        .api()
        .post('/login')
        .send({ username: user.username.toUpperCase(), password: user.password })
        .expect(200);
      const second = await testApp.api().post('/login').send({ username: user.username, password: user.password });

      expect(first.body.user).toMatchObject({ id: user.id, username: user.username, email: user.email });
      expect(new Set([user.token, first.body.token, second.body.token]).size).toBe(3);

      await testApp.api().post('/logout').set(bearer(first.body)).expect(204);
      await testApp.api().get('/current_user').set(bearer(first.body)).expect(401);
      await testApp.api().get('/current_user').set(bearer(second.body)).expect(200);
      await testApp.api().get('/current_user').set(bearer(user)).expect(200);
    });

    it('gives the same 401 for an unknown user and for a wrong password', async () => {
      const user = await signupUser(testApp);
      const unknown = await testApp.api().post('/login').send({ username: uniqueName(), password: 'whatever pw' });
      const wrong = await testApp.api().post('/login').send({ username: user.username, password: 'wrong password' });

      expect(unknown.status).toBe(401);
      expect(wrong.status).toBe(401);
      expect({ ...unknown.body, request_id: 'x' }).toEqual({ ...wrong.body, request_id: 'x' });
      expect(wrong.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Wrong username or password',
        request_id: expect.any(String),
      });
    });

    it('answers 400 when a field is missing', async () => {
      const response = await testApp.api().post('/login').send({ username: 'someone' }).expect(400);
      expect(response.body.details).toEqual([{ field: 'password', errors: [expect.any(String)] }]);
    });
  });

  describe('POST /logout', () => {
    it('answers 204 and the token stops working at once', async () => {
      const user = await signupUser(testApp);
      await testApp.api().post('/logout').set(bearer(user)).expect(204);
      const response = await testApp.api().get('/current_user').set(bearer(user)).expect(401);
      expect(response.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'The session token is unknown, revoked or expired',
        request_id: expect.any(String),
      });
      await testApp.api().post('/logout').set(bearer(user)).expect(401);
    });
  });

  describe('the token guard', () => {
    it('answers 401 without a token', async () => {
      const response = await testApp.api().get('/current_user').expect(401);
      expect(response.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'A session token is required',
        request_id: expect.any(String),
      });
    });

    it.each(['garbage', 'x'.repeat(43), '', 'Bearer'])('answers 401 for the token %j', async (token) => {
      await testApp.api().get('/current_user').set('Authorization', `Bearer ${token}`).expect(401);
    });

    it('accepts the token as a Bearer header, a token query parameter or a token body field', async () => {
      const user = await signupUser(testApp);
      await testApp.api().get('/current_user').set(bearer(user)).expect(200);
      await testApp.api().get('/current_user').query({ token: user.token }).expect(200);
      await testApp.api().get('/users').query({ token: user.token, type: 'all' }).expect(200);
      await testApp.api().post('/logout').send({ token: user.token }).expect(204);
      await testApp.api().get('/current_user').query({ token: user.token }).expect(401);
    });

    it('expires sessions after TOKEN_TTL', async () => {
      const user = await signupUser(testApp);
      await testApp.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [user.id]);
      await testApp.api().get('/current_user').set(bearer(user)).expect(401);
    });

    it('stores only a hash of the token', async () => {
      const user = await signupUser(testApp);
      const rows = await testApp.query('SELECT token_hash FROM sessions WHERE user_id = $1', [user.id]);
      expect(rows).toHaveLength(1);
      expect(Buffer.from(rows[0].token_hash).toString('utf8')).not.toContain(user.token);
      expect(rows[0].token_hash).toHaveLength(32);
    });
  });
});
