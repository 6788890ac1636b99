/*
 * POST /reports: what any signed-in user may report, what is refused, and the evidence a report keeps (the
 * reported username and message text as they were), whatever happens to the message afterwards.
 */
import { bearer, messagePath, sendMessage, signupUser, type TestUser } from '../support/factories.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { type ReportBody, signupModerator } from './moderators.js';

describe('POST /reports', () => {
  let testApp: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let moderator: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp();
    [alice, bob, carol] = [await signupUser(testApp), await signupUser(testApp), await signupUser(testApp)];
    moderator = await signupModerator(testApp);
  });

  afterAll(async () => {
    await testApp.close();
  });

  const report = (as: TestUser, body: ReportBody | Record<string, unknown>) =>
    testApp.api().post('/reports').set(bearer(as)).send(body);

  const stored = async (id: number) =>
    (await testApp.query('SELECT * FROM reports WHERE id = $1', [id]))[0] as Record<string, unknown>;

  const queued = async (id: number) => {
    const page = await testApp.api().get('/moderation/reports?limit=200').set(bearer(moderator)).expect(200);
    return (page.body.reports as { id: number }[]).find((r) => r.id === id) as Record<string, unknown>;
  };

  it('stores a report of a message with snapshots of the username and the text; 201 {id, status, created}', async () => {
    const message = await sendMessage(testApp, bob, alice, 'you are awful');
    const response = await report(alice, {
      user_id: bob.id,
      message_id: message.id,
      reason: 'harassment',
      details: 'again',
    }).expect(201);
    expect(response.body).toEqual({ id: expect.any(Number), status: 'open', created: expect.any(String) });
    expect(new Date(response.body.created).toISOString()).toBe(response.body.created);
    expect(await stored(response.body.id)).toMatchObject({
      reporter_id: alice.id,
      reported_user_id: bob.id,
      reported_username: bob.username,
      message_id: String(message.id),
      message_text: 'you are awful',
      reason: 'harassment',
      details: 'again',
      status: 'open',
      resolution: null,
    });
  });

  it('takes a report of a user alone, and a message either side sent', async () => {
    const alone = await report(alice, { user_id: carol.id, reason: 'spam' }).expect(201);
    expect(await stored(alone.body.id)).toMatchObject({ message_id: null, message_text: null, details: null });
    const own = await sendMessage(testApp, alice, carol, 'what I answered');
    const withOwn = await report(alice, { user_id: carol.id, message_id: own.id, reason: 'other' }).expect(201);
    expect(await stored(withOwn.body.id)).toMatchObject({ message_text: 'what I answered' });
  });

  it('keeps the evidence through an edit and a delete of the message, and a change of username', async () => {
    const message = await sendMessage(testApp, bob, alice, 'the original words');
    const created = await report(alice, { user_id: bob.id, message_id: message.id, reason: 'hate' }).expect(201);
    await testApp.api().patch(messagePath(message.id)).set(bearer(bob)).send({ message: 'softened' }).expect(200);
    expect(await queued(created.body.id)).toMatchObject({ message_text: 'the original words' });
    await testApp.api().delete(messagePath(message.id)).set(bearer(bob)).expect(204);
    const renamed = `${bob.username}_x`;
    await testApp.query('UPDATE users SET username = $2 WHERE id = $1', [bob.id, renamed]);
    try {
      expect(await queued(created.body.id)).toMatchObject({
        message_id: message.id,
        message_text: 'the original words',
        reported_username: bob.username,
        reported_user: { id: bob.id, username: renamed, deleted: false, suspended: false },
      });
    } finally {
      await testApp.query('UPDATE users SET username = $2 WHERE id = $1', [bob.id, bob.username]);
    }
  });

  it('a message of someone else’s conversation is 404, exactly as one that does not exist', async () => {
    const between = await sendMessage(testApp, bob, carol, 'not for alice');
    const [{ next }] = await testApp.query('SELECT max(id)::int + 1000 AS next FROM messages');
    const shape = (body: { message: string }) => ({
      ...body,
      message: body.message.replace(/\d+$/, '{id}'),
      request_id: 'x',
    });
    const unseen = await report(alice, { user_id: bob.id, message_id: between.id, reason: 'spam' }).expect(404);
    const missing = await report(alice, { user_id: bob.id, message_id: next, reason: 'spam' }).expect(404);
    expect(unseen.body).toMatchObject({ statusCode: 404, message: `No message has id ${between.id}` });
    expect(shape(unseen.body)).toEqual(shape(missing.body));
    // A message between alice and carol named against bob: not of the conversation reported either.
    const other = await sendMessage(testApp, carol, alice, 'hi alice');
    await report(alice, { user_id: bob.id, message_id: other.id, reason: 'spam' }).expect(404);
    const [{ count }] = await testApp.query('SELECT count(*)::int AS count FROM reports WHERE message_id IN ($1, $2)', [
      between.id,
      other.id,
    ]);
    expect(count).toBe(0);
  });

  it('refuses yourself (400) and an unknown user (404)', async () => {
    const self = await report(alice, { user_id: alice.id, reason: 'spam' }).expect(400);
    expect(self.body).toMatchObject({ statusCode: 400, message: 'You cannot report yourself' });
    const unknown = await report(alice, { user_id: 2_000_000_000, reason: 'spam' }).expect(404);
    expect(unknown.body).toMatchObject({ statusCode: 404, message: 'No user has id 2000000000' });
  });

  it.each([
    ['an unknown reason', { reason: 'rude' }, 'reason'],
    ['no reason', { reason: undefined }, 'reason'],
    ['details over 1000 characters', { reason: 'spam', details: 'x'.repeat(1001) }, 'details'],
    ['a NUL in details', { reason: 'spam', details: 'a\u0000b' }, 'details'],
    ['details that are not a string', { reason: 'spam', details: 5 }, 'details'],
    ['a fractional message_id', { reason: 'spam', message_id: 1.5 }, 'message_id'],
    ['a string user_id', { reason: 'spam', user_id: 'bob' }, 'user_id'],
    ['an extra field', { reason: 'spam', status: 'resolved' }, 'status'],
  ])('refuses %s with 400 naming the field', async (_label, fields, field) => {
    const response = await report(alice, { user_id: bob.id, ...fields }).expect(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(response.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('takes details of exactly 1000 characters, emoji and all', async () => {
    const details = '😀'.repeat(10) + 'x'.repeat(990);
    const created = await report(alice, { user_id: bob.id, reason: 'other', details }).expect(201);
    expect((await stored(created.body.id)).details).toBe(details);
  });

  it('blocks nothing: both users still write to each other', async () => {
    await report(carol, { user_id: bob.id, reason: 'spam' }).expect(201);
    await sendMessage(testApp, bob, carol, 'still here');
    await sendMessage(testApp, carol, bob, 'so am I');
  });
});
