/* Sessions: logout of one or all, password change ending the others, expiry. */
import { bearer, signupUser } from '../support/factories.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

describe('sessions', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(async () => {
    await testApp.close();
  });

  const loginAgain = async (user: { username: string; password: string }) =>
    (await testApp.api().post('/login').send({ username: user.username, password: user.password }).expect(200)).body
      .token as string;
  const works = async (token: string) =>
    (await testApp.api().get('/current_user').set(bearer({ token }))).status === 200;

  it('POST /logout?all=true ends every session of the user, and only theirs', async () => {
    const user = await signupUser(testApp);
    const other = await signupUser(testApp);
    const second = await loginAgain(user);

    await testApp.api().post('/logout').query({ all: true }).set(bearer(user)).expect(204);

    expect([await works(user.token), await works(second), await works(other.token)]).toEqual([false, false, true]);
  });

  it('answers 400 for a malformed all flag', async () => {
    const user = await signupUser(testApp);
    const response = await testApp.api().post('/logout').query({ all: 'yes' }).set(bearer(user)).expect(400);
    expect(response.body.details).toEqual([{ field: 'all', errors: ['all must be a boolean value'] }]);
    expect(await works(user.token)).toBe(true);
  });

  it('POST /password changes the password and ends every other session', async () => {
    const user = await signupUser(testApp);
    const elsewhere = await loginAgain(user);

    await testApp
      .api()
      .post('/password')
      .set(bearer(user))
      .send({
        current_password: user.password,
        new_password_1: 'a brand new secret',
        new_password_2: 'a brand new secret',
      })
      .expect(204);

    expect([await works(user.token), await works(elsewhere)]).toEqual([true, false]);
    await testApp.api().post('/login').send({ username: user.username, password: user.password }).expect(401);
    await testApp.api().post('/login').send({ username: user.username, password: 'a brand new secret' }).expect(200);
  });

  it('refuses a password change with a wrong current password (403) or mismatched new ones (400)', async () => {
    const user = await signupUser(testApp);
    const wrong = await testApp
      .api()
      .post('/password')
      .set(bearer(user))
      .send({ current_password: 'not it at all', new_password_1: 'another secret', new_password_2: 'another secret' })
      .expect(403);
    expect(wrong.body).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'The current password is wrong',
      request_id: expect.any(String),
    });
    const mismatch = await testApp
      .api()
      .post('/password')
      .set(bearer(user))
      .send({ current_password: user.password, new_password_1: 'another secret', new_password_2: 'other secret' })
      .expect(400);
    expect(mismatch.body.details).toEqual([
      { field: 'new_password_2', errors: ['new_password_2 must match new_password_1'] },
    ]);
  });

  it('answers 401 for an expired session', async () => {
    const user = await signupUser(testApp);
    await testApp.query(`UPDATE sessions SET expires_at = now() WHERE user_id = $1`, [user.id]);
    await testApp.api().get('/current_user').set(bearer(user)).expect(401);
  });
});
