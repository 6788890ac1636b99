import { getCurrentUser, listUsers, type ListUsersData } from '@parley/client';
import { bearer, signupUser, type TestUser } from './support/factories.js';
import { listenForSdk, type SdkTarget } from './support/sdk-client.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('users: GET /users and GET /current_user', () => {
  let testApp: TestApp;
  let sdk: SdkTarget;
  let caller: TestUser;
  let active: TestUser;
  let inactive: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp();
    sdk = await listenForSdk(testApp);
    caller = await signupUser(testApp);
    active = await signupUser(testApp);
    inactive = await signupUser(testApp);
    await testApp.api().post('/logout').set(bearer(inactive)).expect(204);
  });

  afterAll(async () => {
    await testApp.close();
  });

  // Through the SDK, as a frontend team calls it; raw HTTP only for values its types rule out.
  const usersPage = async (query: ListUsersData['query']) =>
    (await listUsers({ client: sdk.as(caller), query, throwOnError: true })).data;

  it('lists every other user with id, username, active and last_seen_at, never the caller', async () => {
    expect(await usersPage({})).toEqual({
      users: [
        { id: active.id, username: active.username, active: true, last_seen_at: expect.any(String) },
        { id: inactive.id, username: inactive.username, active: false, last_seen_at: expect.any(String) },
      ],
      next_cursor: null,
    });
  });

  it('filters by type: active users have a live session, inactive ones do not', async () => {
    const activeOnly = await usersPage({ type: 'active' });
    const inactiveOnly = await usersPage({ type: 'inactive' });
    expect(activeOnly.users.map((u) => u.id)).toEqual([active.id]);
    expect(inactiveOnly.users.map((u) => u.id)).toEqual([inactive.id]);
  });

  it('treats a user whose sessions all expired as inactive', async () => {
    const lapsed = await signupUser(testApp);
    await testApp.query(`UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE user_id = $1`, [lapsed.id]);
    const inactiveOnly = await usersPage({ type: 'inactive' });
    expect(inactiveOnly.users.map((u) => u.id)).toContain(lapsed.id);
  });

  it('pages with limit and cursor, visiting each user exactly once', async () => {
    const more = [];
    for (let i = 0; i < 5; i++) more.push(await signupUser(testApp));
    const all = (await usersPage({ limit: 200 })).users.map((u) => u.id);

    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await usersPage({ limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.users.length).toBeLessThanOrEqual(2);
      seen.push(...page.users.map((u) => u.id));
      cursor = page.next_cursor ?? undefined;
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
      const { response, error } = await listUsers({ client: sdk.as(caller), query: { cursor } });
      expect(response.status).toBe(400);
      expect(error?.message).toMatch(/cursor is malformed/);
    },
  );

  it('answers 401 without a token', async () => {
    const { response, error } = await listUsers({ client: sdk.anonymous });
    expect(response.status).toBe(401);
    expect(error).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
  });

  it('GET /current_user returns the caller’s own profile', async () => {
    const { data: me } = await getCurrentUser({ client: sdk.as(caller), throwOnError: true });
    expect(me).toEqual({
      id: caller.id,
      username: caller.username,
      email: caller.email,
      created_at: expect.any(String),
    });
    expect(Date.parse(me.created_at)).not.toBeNaN();
  });
});
