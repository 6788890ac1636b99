/*
 * Hostile input at every route: malformed and truncated JSON, wrong shapes,
 * absurd ids, invalid UTF-16, 10 MB bodies, deep nesting, and property-based
 * bodies from fast-check. Every answer must be a correct 2xx or a 4xx in the
 * one error shape; never a 500, and the server stays up.
 *
 * Decisions it pins down: usernames are ASCII letters, digits, _ . - (no emoji,
 * RTL or zero-width look-alikes); messages take any Unicode but NUL and unpaired
 * surrogates, and come back byte-identical: markup and SQL are data.
 */
import fc from 'fast-check';
import type { Response } from 'supertest';
import { bearer, signupUser, type TestUser } from '../support/factories.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const POST_ROUTES = [
  '/signup',
  '/login',
  '/logout',
  '/password',
  '/send',
  '/send_to_all',
  '/read/2',
  '/reports',
  '/moderation/reports/1/resolve',
  '/moderation/users/2/unsuspend',
];
const GET_ROUTES = [
  '/users',
  '/current_user',
  '/current_user/export',
  '/chat',
  '/chat/2',
  '/sync',
  '/health',
  '/moderation/reports',
  '/blocks',
];

const MALFORMED_BODIES: [string, string | Buffer][] = [
  ['truncated JSON', '{"user_id": 2, "message": "hel'],
  ['a trailing comma', '{"user_id": 2,}'],
  ['single quotes', "{'user_id': 2}"],
  ['a bare word', 'undefined'],
  ['an array', '[{"user_id": 2, "message": "hi"}]'],
  ['a number', '12345678901234567890123'],
  ['null', 'null'],
  ['a string', '"just a string"'],
  ['deep nesting', '['.repeat(20_000) + ']'.repeat(20_000)],
  ['a deeply nested object', '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000)],
  ['invalid UTF-8 bytes', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
  ['a NUL byte outside strings', '{"user_id": 2\u0000}'],
  ['an unpaired surrogate', '{"user_id": 2, "message": "\\ud800"}'],
  ['a prototype pollution attempt', '{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}'],
  ['huge numbers', '{"user_id": 1e309, "message": "x", "up_to_id": 99999999999999999999999}'],
];

const HOSTILE_IDS = [
  '-1',
  '0',
  '1.5',
  '2147483648',
  '9223372036854775808',
  '1e3',
  'NaN',
  'Infinity',
  '%00',
  '%D9%A1',
  '0x10',
  "1'%20OR%20'1'='1",
];

function expectHandled(response: Response, label: string): void {
  const ok = response.status >= 200 && response.status < 300;
  const clientError = response.status >= 400 && response.status < 500;
  expect([label, ok || clientError]).toEqual([label, true]);
  if (clientError) {
    expect(response.body).toEqual(
      expect.objectContaining({ statusCode: response.status, error: expect.any(String), message: expect.any(String) }),
    );
    expect(JSON.stringify(response.body)).not.toMatch(/node_modules|at \w+ \(|SELECT|INSERT|QueryFailedError/);
  }
}

describe('hostile input', () => {
  let testApp: TestApp;
  let user: TestUser;
  let peer: TestUser;
  let cases = 0;

  beforeAll(async () => {
    testApp = await createTestApp();
    user = await signupUser(testApp);
    peer = await signupUser(testApp);
    // A moderator, so hostile input to the moderation routes reaches their validation, not only their 403.
    await testApp.query(`UPDATE users SET role = 'moderator' WHERE id = $1`, [user.id]);
    // Report 1, for the resolve route's bodies to act on.
    await testApp.api().post('/reports').set(bearer(peer)).send({ user_id: user.id, reason: 'spam' }).expect(201);
  });

  afterAll(async () => {
    await testApp.api().get('/health').expect(200);
    console.log(`hostile cases sent: ${cases}`);
    await testApp.close();
  });

  // Requests that succeed on /logout end their session, so those use a session of their own.
  const sessionFor = async (path: string): Promise<Pick<TestUser, 'token'>> =>
    path === '/logout'
      ? (await testApp.api().post('/login').send({ username: user.username, password: user.password })).body
      : user;
  const post = (path: string, session: Pick<TestUser, 'token'> = user) => {
    cases++;
    return testApp
      .api()
      .post(path.replace('/2', `/${peer.id}`))
      .set(bearer(session));
  };

  it.each(POST_ROUTES)('POST %s: every malformed body gets a 4xx in the error shape', async (path) => {
    for (const [label, raw] of MALFORMED_BODIES) {
      const response = await post(path, await sessionFor(path))
        .set('Content-Type', 'application/json')
        .send(raw);
      expectHandled(response, `${path} ${label}`);
    }
  });

  it.each(POST_ROUTES)('POST %s: a 10 MB body gets 413', async (path) => {
    const response = await post(path, await sessionFor(path))
      .set('Content-Type', 'application/json')
      .send(`{"message": "${'x'.repeat(10 * 1024 * 1024)}"}`);
    expect(response.status).toBe(413);
    expectHandled(response, path);
  });

  it.each(POST_ROUTES)('POST %s: property-based JSON bodies never break the server', async (path) => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue(),
          fc.record(
            {
              user_id: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null)),
              message: fc.oneof(fc.string(), fc.integer()),
            },
            { requiredKeys: [] },
          ),
          fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 5 }),
        ),
        async (body) => {
          const response = await post(path, await sessionFor(path))
            .set('Content-Type', 'application/json')
            .send(JSON.stringify(body));
          expectHandled(response, `${path} ${JSON.stringify(body).slice(0, 80)}`);
        },
      ),
      { numRuns: 40 },
    );
  });

  it.each(['/send', '/read/2'])('POST %s: a malformed X-Socket-Id gets 400 naming the header', async (path) => {
    for (const socketId of ["' OR 1=1 --", 'a'.repeat(65), 'room/../other', '%E2%80%AEgnp', 'two words', '']) {
      const response = await post(path).set('X-Socket-Id', socketId).send({ user_id: peer.id, message: 'hi' });
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(/X-Socket-Id/);
      expectHandled(response, `${path} X-Socket-Id ${socketId}`);
    }
  });

  it('path ids: every hostile id gets a 4xx (or an empty 2xx), never a 500', async () => {
    for (const id of HOSTILE_IDS) {
      cases += 2;
      expectHandled(await testApp.api().get(`/chat/${id}`).set(bearer(user)), `GET /chat/${id}`);
      expectHandled(await testApp.api().post(`/read/${id}`).set(bearer(user)).send({}), `POST /read/${id}`);
      cases += 2;
      expectHandled(await testApp.api().put(`/blocks/${id}`).set(bearer(user)), `PUT /blocks/${id}`);
      expectHandled(await testApp.api().delete(`/blocks/${id}`).set(bearer(user)), `DELETE /blocks/${id}`);
      for (const path of [`/moderation/reports/${id}/resolve`, `/moderation/users/${id}/unsuspend`]) {
        cases++;
        const response = await testApp.api().post(path).set(bearer(user)).send({ action: 'dismiss' });
        expectHandled(response, `POST ${path}`);
      }
      cases++;
      const report = { user_id: peer.id, message_id: id, reason: 'spam' };
      expectHandled(await testApp.api().post('/reports').set(bearer(user)).send(report), `POST /reports ${id}`);
    }
  });

  it('reports: every reason outside the list, oversized or NUL details, and odd message ids get a 400', async () => {
    for (const body of [
      { reason: 'SPAM' },
      { reason: 'spam ' },
      { reason: ['spam'] },
      { reason: { $ne: null } },
      { reason: 'spam', details: 'x'.repeat(1001) },
      { reason: 'spam', details: '\u0000' },
      { reason: 'spam', details: '\ud800' },
      { reason: 'spam', message_id: -1 },
      { reason: 'spam', message_id: 2 ** 63 },
      { reason: 'spam', user_id: 2 ** 31 },
    ]) {
      cases++;
      const response = await post('/reports').send({ user_id: peer.id, ...body });
      expect([body, response.status]).toEqual([body, 400]);
      expectHandled(response, `POST /reports ${JSON.stringify(body).slice(0, 80)}`);
    }
  });

  it.each(GET_ROUTES)('GET %s: hostile query parameters get a 4xx, never a 500', async (path) => {
    const queries = [
      'limit=-1',
      'limit=1e400',
      'limit=1&limit=2',
      'limit[]=1',
      'cursor=%00',
      'cursor=' + 'A'.repeat(5000),
      'since=%00',
      'since[]=x',
      'since=' + 'A'.repeat(5000),
      'since=' + Buffer.from('sync1:99999999999999999999').toString('base64url'),
      'since=' + Buffer.from('sync1:-1').toString('base64url'),
      'before=-5',
      'after=1.5',
      'before=99999999999999999999',
      'type[$ne]=x',
      'type=active%00',
      'token[]=a',
      '%E0%A4%A=1',
    ];
    for (const query of queries) {
      cases++;
      expectHandled(
        await testApp
          .api()
          .get(`${path.replace('/2', `/${peer.id}`)}?${query}`)
          .set(bearer(user)),
        `${path}?${query}`,
      );
    }
  });

  it('DELETE /current_user: malformed bodies, password fields of every type and a 10 MB body never delete', async () => {
    const owner = await signupUser(testApp);
    const remove = () => {
      cases++;
      return testApp.api().delete('/current_user').set(bearer(owner)).set('Content-Type', 'application/json');
    };
    for (const [label, raw] of MALFORMED_BODIES) expectHandled(await remove().send(raw), `DELETE ${label}`);
    const passwords: unknown[] = [
      null,
      42,
      true,
      [owner.password],
      { $ne: '' },
      '',
      'x'.repeat(129),
      `${owner.password}\u0000`,
      owner.password.toUpperCase(),
    ];
    for (const password of passwords) {
      const response = await remove().send(JSON.stringify({ password }));
      expectHandled(response, `DELETE password ${JSON.stringify(password).slice(0, 40)}`);
      expect([password, response.status === 400 || response.status === 403]).toEqual([password, true]);
    }
    const huge = await remove().send(`{"password": "${'x'.repeat(10 * 1024 * 1024)}"}`);
    expect(huge.status).toBe(413);
    expectHandled(huge, 'DELETE 10 MB');
    await testApp.api().get('/current_user').set(bearer(owner)).expect(200);
  });

  it('usernames: emoji, RTL, zero-width and control characters are refused with 400', async () => {
    for (const username of [
      'user😀',
      'مستخدم',
      'user\u200bname',
      'user\u202ename',
      'user\u0000',
      'ａｄｍｉｎ',
      'a b',
      '<script>',
    ]) {
      cases++;
      const response = await testApp
        .api()
        .post('/signup')
        .send({ username, email: 'x@example.com', password_1: 'long password', password_2: 'long password' });
      expect([username, response.status]).toEqual([username, 400]);
      expect(response.body.details[0].field).toBe('username');
    }
  });

  it('messages: SQL, markup, emoji, RTL and zero-width text is stored verbatim and returned JSON-escaped', async () => {
    const texts = [
      "'); DROP TABLE messages; --",
      '<script>alert("x")</script><img src=x onerror=alert(1)>',
      '${7*7} {{7*7}} %s %n',
      '👩‍👩‍👧‍👦 🇺🇦 e\u0301',
      'مرحبا بالعالم \u202eevil\u202c',
      'zero\u200bwidth\ufeff',
      '\\u0000 is not a NUL, just text',
    ];
    for (const text of texts) {
      cases++;
      const sent = await post('/send').send({ user_id: peer.id, message: text }).expect(201);
      expect(sent.body.message).toBe(text);
      const [row] = await testApp.query('SELECT body FROM messages WHERE id = $1', [sent.body.id]);
      expect(row.body).toBe(text);
    }
    const [{ count }] = await testApp.query('SELECT count(*)::int AS count FROM messages');
    expect(count).toBeGreaterThanOrEqual(texts.length);
  });

  it('messages: any well-formed text round-trips exactly (property-based)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .string({ unit: 'grapheme', minLength: 1, maxLength: 200 })
          .filter((s) => /\S/.test(s) && !s.includes('\u0000')),
        async (text) => {
          const sent = await post('/send').send({ user_id: peer.id, message: text });
          expect(sent.status).toBe(201);
          expect(sent.body.message).toBe(text);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('messages: NUL and unpaired surrogates are refused with 400, not altered', async () => {
    for (const message of ['a\u0000b', 'a\ud800b', '\udfff']) {
      cases++;
      const response = await post('/send').send({ user_id: peer.id, message });
      expect(response.status).toBe(400);
    }
  });
});
