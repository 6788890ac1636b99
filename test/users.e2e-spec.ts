import { bearer, signupUser, type TestUser } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('users: GET /users and GET /current_user', () => {
  let testApp: TestApp;
  let caller: TestUser;
  let active: TestUser;
  let inactive: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp();
    caller = await signupUser(testApp);
    active = await signupUser(testApp);
    inactive = await signupUser(testApp);
    await testApp.api().post('/logout').set(bearer(inactive)).expect(204);
  });

  afterAll(async () => {
    await testApp.close();
  });

  const listUsers = (query: Record<string, unknown>) =>
    testApp.api().get('/users').query(query).set(bearer(caller)).expect(200);

  it('lists every other user with id, username, active and last_seen_at, never the caller', async () => {
    const response = await listUsers({});
    expect(response.body).toEqual({
      users: [
        { id: active.id, username: active.username, active: true, last_seen_at: expect.any(String) },
        { id: inactive.id, username: inactive.username, active: false, last_seen_at: expect.any(String) },
      ],
      next_cursor: null,
    });
  });

  it('filters by type: active users have a live session, inactive ones do not', async () => {
    const activeOnly = await listUsers({ type: 'active' });
    const inactiveOnly = await listUsers({ type: 'inactive' });
    expect(activeOnly.body.users.map((u: { id: number }) => u.id)).toEqual([active.id]);
    expect(inactiveOnly.body.users.map((u: { id: number }) => u.id)).toEqual([inactive.id]);
  });

  it('treats a user whose sessions all expired as inactive', async () => {
    const lapsed = await signupUser(testApp);
    await testApp.query(`UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE user_id = $1`, [lapsed.id]);
    const inactiveOnly = await listUsers({ type: 'inactive' });
    expect(inactiveOnly.body.users.map((u: { id: number }) => u.id)).toContain(lapsed.id);
  });

  it('pages with limit and cursor, visiting each user exactly once', async () => {
    const more = [];
    for (let i = 0; i < 5; i++) more.push(await signupUser(testApp));
    const all = (await listUsers({ limit: 200 })).body.users.map((u: { id: number }) => u.id);

    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listUsers({ limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.body.users.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.users.map((u: { id: number }) => u.id));
      cursor = page.body.next_cursor ?? undefined;
      pages++;
    } while (cursor && pages < 20);

    expect(seen).toEqual(all);
    expect(seen).not.toContain(caller.id);
    expect(pages).toBe(Math.ceil(all.length / 2));
  });

  it.each([
    ['type', { type: 'everyone' }],
    ['limit', { limit: 0 }],
    ['limit', { limit: 201 }],
    ['limit', { limit: 'ten' }],
    ['limit', { limit: 1.5 }],
  ])('answers 400 naming %s for %j', async (field, query) => {
    const response = await testApp.api().get('/users').query(query).set(bearer(caller)).expect(400);
    expect(response.body.details).toEqual([{ field, errors: [expect.any(String)] }]);
  });

  it.each(['nonsense', 'djE6LTE', Buffer.from('v1:99999999999999999999').toString('base64url')])(
    'answers 400 for the malformed cursor %j',
    async (cursor) => {
      const response = await testApp.api().get('/users').query({ cursor }).set(bearer(caller)).expect(400);
      expect(response.body.message).toMatch(/cursor is malformed/);
    },
  );

  it('answers 401 without a token', async () => {
    await testApp.api().get('/users').expect(401);
  });

  it('GET /current_user returns the caller’s own profile', async () => {
    const response = await testApp.api().get('/current_user').set(bearer(caller)).expect(200);
    expect(response.body).toEqual({
      id: caller.id,
      username: caller.username,
      email: caller.email,
      created_at: expect.any(String),
    });
    expect(Date.parse(response.body.created_at)).not.toBeNaN();
  });
});
