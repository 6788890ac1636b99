/*
 * The moderator routes: the queue, the three decisions and what each does (to the message, the account, its
 * sessions and sockets), the audit row every action writes, and 403 for everyone else.
 */
import { bearer, messagePath, sendMessage, signupUser, type TestUser } from '../support/factories.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { connectSocket, disconnection, listen, nextEvent, type TestSocket } from '../realtime/sockets.js';
import { type ReportBody, signupModerator } from './moderators.js';

const DELETE_WINDOW_SECONDS = 60;

describe('moderation', () => {
  let testApp: TestApp;
  let url: string;
  let moderator: TestUser;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    testApp = await createTestApp({ env: { MESSAGE_DELETE_WINDOW_SECONDS: String(DELETE_WINDOW_SECONDS) } });
    url = await listen(testApp);
    moderator = await signupModerator(testApp);
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  afterAll(async () => {
    await testApp.close();
  });

  const open = async (user: TestUser) => {
    const socket = await connectSocket(url, user.token);
    sockets.push(socket);
    return socket;
  };

  const report = async (as: TestUser, body: ReportBody): Promise<number> =>
    (await testApp.api().post('/reports').set(bearer(as)).send(body).expect(201)).body.id;

  const resolve = (id: number | string, body: object, as = moderator) =>
    testApp.api().post(`/moderation/reports/${id}/resolve`).set(bearer(as)).send(body);

  const list = (query: string, as = moderator) => testApp.api().get(`/moderation/reports?${query}`).set(bearer(as));

  const audit = (where: string, parameters: unknown[]) =>
    testApp.query(
      `SELECT moderator_id, action, report_id::int, target_user_id, message_id::int, note FROM moderation_actions
        WHERE ${where} ORDER BY id`,
      parameters,
    );

  /** A reporter, the user they report and a message from that user, reported. */
  const reported = async (text = 'reported words') => {
    const [reporter, offender] = [await signupUser(testApp), await signupUser(testApp)];
    const message = await sendMessage(testApp, offender, reporter, text);
    const id = await report(reporter, { user_id: offender.id, message_id: message.id, reason: 'harassment' });
    return { reporter, offender, message, id };
  };

  describe('who may moderate', () => {
    it('answers 403 in the error shape on every moderator route to anyone else', async () => {
      const user = await signupUser(testApp);
      const { id, offender } = await reported();
      const calls = [
        testApp.api().get('/moderation/reports').set(bearer(user)),
        testApp.api().get('/moderation/reports?status=resolved').set(bearer(user)),
        resolve(id, { action: 'dismiss' }, user),
        resolve(id, { action: 'suspend_user' }, user),
        testApp.api().post(`/moderation/users/${offender.id}/unsuspend`).set(bearer(user)),
      ];
      for (const response of await Promise.all(calls)) {
        expect(response.status).toBe(403);
        expect(response.body).toEqual({
          statusCode: 403,
          error: 'Forbidden',
          message: 'Only moderators can do this',
          request_id: expect.any(String),
        });
      }
      const [row] = await testApp.query('SELECT status FROM reports WHERE id = $1', [id]);
      expect(row.status).toBe('open');
      expect(await audit('report_id = $1', [id])).toEqual([]);
    });

    it('reads the role on every request: the same token works once the role is granted, and not once revoked', async () => {
      const user = await signupUser(testApp);
      await list('', user).expect(403);
      await testApp.query(`UPDATE users SET role = 'moderator' WHERE id = $1`, [user.id]);
      await list('', user).expect(200);
      await testApp.query(`UPDATE users SET role = 'user' WHERE id = $1`, [user.id]);
      await list('', user).expect(403);
    });
  });

  describe('GET /moderation/reports', () => {
    it('pages the open reports oldest first, each with the account now and the evidence then', async () => {
      const first = await reported('first words');
      const second = await reported('second words');
      const ids: number[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { reports: { id: number }[]; next_cursor: string | null } } = await list(
          `limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        ).expect(200);
        expect(page.body.reports.length).toBeLessThanOrEqual(2);
        ids.push(...page.body.reports.map((r) => r.id));
        cursor = page.body.next_cursor;
      } while (cursor);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(ids).toEqual(expect.arrayContaining([first.id, second.id]));
      const page = await list('limit=200').expect(200);
      expect(page.body.reports.find((r: { id: number }) => r.id === second.id)).toEqual({
        id: second.id,
        status: 'open',
        reason: 'harassment',
        details: null,
        created: expect.any(String),
        reporter_id: second.reporter.id,
        reported_user: { id: second.offender.id, username: second.offender.username, deleted: false, suspended: false },
        reported_username: second.offender.username,
        message_id: second.message.id,
        message_text: 'second words',
        resolution: null,
      });
    });

    it('lists the resolved ones apart with ?status=resolved; open is the default', async () => {
      const { id } = await reported();
      await resolve(id, { action: 'dismiss' }).expect(200);
      const open = await list('limit=200').expect(200);
      const resolved = await list('status=resolved&limit=200').expect(200);
      expect(open.body.reports.map((r: { id: number }) => r.id)).not.toContain(id);
      expect(resolved.body.reports.map((r: { id: number }) => r.id)).toContain(id);
      expect(resolved.body.reports.every((r: { status: string }) => r.status === 'resolved')).toBe(true);
    });

    it.each(['status=closed', 'limit=0', 'limit=201', 'cursor=nonsense', 'status[]=open'])(
      'refuses ?%s with 400',
      async (query) => {
        const response = await list(query).expect(400);
        expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      },
    );
  });

  describe('POST /moderation/reports/{id}/resolve', () => {
    it('dismiss: resolves it with the decision and writes the audit row; a second decision is 409', async () => {
      const { id, offender, message } = await reported();
      const response = await resolve(id, { action: 'dismiss', note: 'banter' }).expect(200);
      expect(response.body).toMatchObject({
        id,
        status: 'resolved',
        resolution: { action: 'dismiss', note: 'banter', moderator_id: moderator.id, resolved_at: expect.any(String) },
      });
      const [row] = await testApp.query(
        'SELECT status, resolution, resolution_note, resolved_by, resolved_at FROM reports WHERE id = $1',
        [id],
      );
      expect(row).toMatchObject({ status: 'resolved', resolution: 'dismiss', resolution_note: 'banter' });
      expect(row.resolved_by).toBe(moderator.id);
      expect(await audit('report_id = $1', [id])).toEqual([
        {
          moderator_id: moderator.id,
          action: 'dismiss',
          report_id: id,
          target_user_id: offender.id,
          message_id: message.id,
          note: 'banter',
        },
      ]);
      const again = await resolve(id, { action: 'suspend_user' }).expect(409);
      expect(again.body).toMatchObject({ statusCode: 409, message: 'This report is already resolved' });
      expect(await audit('report_id = $1', [id])).toHaveLength(1);
      const [account] = await testApp.query('SELECT suspended_at FROM users WHERE id = $1', [offender.id]);
      expect(account.suspended_at).toBeNull();
    });

    it('delete_message: deletes it for everyone as its sender would, past the sender’s window, live', async () => {
      const { id, reporter, offender, message } = await reported('delete me');
      // Older than the sender's own window: the sender could no longer delete it.
      await testApp.query(`UPDATE messages SET created_at = now() - interval '1 hour' WHERE id = $1`, [message.id]);
      await testApp.api().delete(messagePath(message.id)).set(bearer(offender)).expect(403);
      const chats = () =>
        testApp.query(
          'SELECT owner_id, unread_count, changed_xid::text FROM chats WHERE $1 IN (owner_id, peer_id) ORDER BY owner_id',
          [offender.id],
        );
      const before = await chats();
      expect(before.find((c) => c.owner_id === reporter.id)?.unread_count).toBe(1);
      const [reporterSocket, offenderSocket] = [await open(reporter), await open(offender)];
      const events = [nextEvent(reporterSocket, 'message.deleted'), nextEvent(offenderSocket, 'message.deleted')];

      const response = await resolve(id, { action: 'delete_message' }).expect(200);
      expect(response.body).toMatchObject({
        status: 'resolved',
        message_text: 'delete me',
        resolution: { action: 'delete_message', note: null, moderator_id: moderator.id },
      });
      for (const event of await Promise.all(events)) {
        expect(event).toEqual({
          id: message.id,
          sender_id: offender.id,
          recipient_id: reporter.id,
          deleted_at: expect.any(String),
        });
      }
      const [row] = await testApp.query('SELECT body, deleted_at FROM messages WHERE id = $1', [message.id]);
      expect(row.body).toBe('');
      expect(row.deleted_at).not.toBeNull();
      const after = await chats();
      expect(after.find((c) => c.owner_id === reporter.id)?.unread_count).toBe(0);
      for (const chat of after) {
        expect(chat.changed_xid).not.toBe(before.find((c) => c.owner_id === chat.owner_id)?.changed_xid);
      }
      const history = await testApp.api().get(`/chat/${offender.id}`).set(bearer(reporter)).expect(200);
      expect(history.body.messages[0]).toMatchObject({ id: message.id, message: '', deleted_at: expect.any(String) });
      expect(await audit('report_id = $1', [id])).toEqual([
        expect.objectContaining({ action: 'delete_message', message_id: message.id, target_user_id: offender.id }),
      ]);
    });

    it('of decisions taken at once, one wins (200) and the others are 409 with nothing of theirs left behind', async () => {
      // Repeated: which decision wins varies, and a losing delete or suspension must roll back whichever it is.
      for (let round = 0; round < 6; round++) {
        const { id, offender, message } = await reported(`race ${round}`);
        const actions = ['dismiss', 'delete_message', 'suspend_user'];
        const responses = await Promise.all(actions.map((action) => resolve(id, { action })));
        expect(responses.map((r) => r.status).sort()).toEqual([200, 409, 409]);
        const winner = actions[responses.findIndex((r) => r.status === 200)];
        expect(await audit('report_id = $1', [id])).toEqual([expect.objectContaining({ action: winner })]);
        const [{ resolution }] = await testApp.query('SELECT resolution FROM reports WHERE id = $1', [id]);
        expect(resolution).toBe(winner);
        const [{ deleted }] = await testApp.query(
          'SELECT deleted_at IS NOT NULL AS deleted FROM messages WHERE id = $1',
          [message.id],
        );
        expect([winner, deleted]).toEqual([winner, winner === 'delete_message']);
        const [{ suspended }] = await testApp.query(
          'SELECT suspended_at IS NOT NULL AS suspended FROM users WHERE id = $1',
          [offender.id],
        );
        expect([winner, suspended]).toEqual([winner, winner === 'suspend_user']);
      }
    });

    it('delete_message on a report that names no message is 400, and changes nothing', async () => {
      const [reporter, offender] = [await signupUser(testApp), await signupUser(testApp)];
      const id = await report(reporter, { user_id: offender.id, reason: 'spam' });
      const response = await resolve(id, { action: 'delete_message' }).expect(400);
      expect(response.body).toMatchObject({
        statusCode: 400,
        message: 'This report names no message; delete_message cannot resolve it',
      });
      expect((await testApp.query('SELECT status FROM reports WHERE id = $1', [id]))[0].status).toBe('open');
      expect(await audit('report_id = $1', [id])).toEqual([]);
    });

    it('suspend_user: ends its sessions and sockets (session.revoked: suspended), refuses its logins, keeps its messages', async () => {
      const { id, reporter, offender, message } = await reported('still evidence');
      const second = (
        await testApp.api().post('/login').send({ username: offender.username, password: offender.password })
      ).body.token as string;
      const socket = await open(offender);
      const revoked = nextEvent(socket, 'session.revoked');
      const closed = disconnection(socket);

      const response = await resolve(id, { action: 'suspend_user', note: 'repeated' }).expect(200);
      expect(response.body).toMatchObject({
        status: 'resolved',
        reported_user: { id: offender.id, suspended: true, deleted: false },
        resolution: { action: 'suspend_user', note: 'repeated', moderator_id: moderator.id },
      });
      expect(await revoked).toEqual({ reason: 'suspended' });
      expect(await closed).toBe('io server disconnect');

      for (const token of [offender.token, second]) {
        await testApp.api().get('/current_user').set(bearer({ token })).expect(401);
      }
      const login = await testApp
        .api()
        .post('/login')
        .send({ username: offender.username, password: offender.password })
        .expect(403);
      expect(login.body).toMatchObject({ statusCode: 403, message: 'This account is suspended' });
      const [{ sessions }] = await testApp.query('SELECT count(*)::int AS sessions FROM sessions WHERE user_id = $1', [
        offender.id,
      ]);
      expect(sessions).toBe(0);
      const history = await testApp.api().get(`/chat/${offender.id}`).set(bearer(reporter)).expect(200);
      expect(history.body.messages).toEqual([expect.objectContaining({ id: message.id, message: 'still evidence' })]);
      expect(await audit('report_id = $1', [id])).toEqual([
        {
          moderator_id: moderator.id,
          action: 'suspend_user',
          report_id: id,
          target_user_id: offender.id,
          message_id: message.id,
          note: 'repeated',
        },
      ]);
    });

    it('a moderator cannot suspend themselves (400)', async () => {
      const reporter = await signupUser(testApp);
      const id = await report(reporter, { user_id: moderator.id, reason: 'other' });
      const response = await resolve(id, { action: 'suspend_user' }).expect(400);
      expect(response.body).toMatchObject({ statusCode: 400, message: 'You cannot suspend yourself' });
      const [account] = await testApp.query('SELECT suspended_at FROM users WHERE id = $1', [moderator.id]);
      expect(account.suspended_at).toBeNull();
      await list('').expect(200);
    });

    it('an unknown report is 404; a bad action, a long note or a non-numeric id is 400', async () => {
      const missing = await resolve(9_000_000_000, { action: 'dismiss' }).expect(404);
      expect(missing.body).toMatchObject({ statusCode: 404, message: 'No report has id 9000000000' });
      const { id } = await reported();
      for (const [path, body] of [
        [id, { action: 'ban' }],
        [id, {}],
        [id, { action: 'dismiss', note: 'x'.repeat(1001) }],
        [id, { action: 'dismiss', note: 'a\u0000b' }],
        ['abc', { action: 'dismiss' }],
        ['1.5', { action: 'dismiss' }],
        ['0', { action: 'dismiss' }],
      ] as const) {
        const response = await resolve(path, body);
        expect([path, response.status]).toEqual([path, 400]);
        expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      }
    });
  });

  describe('POST /moderation/users/{id}/unsuspend', () => {
    it('lets a suspended account log in again (204), audited; 404 for an unknown user', async () => {
      const { id, offender } = await reported();
      await resolve(id, { action: 'suspend_user' }).expect(200);
      await testApp.api().post(`/moderation/users/${offender.id}/unsuspend`).set(bearer(moderator)).expect(204);
      await testApp.api().post('/login').send({ username: offender.username, password: offender.password }).expect(200);
      expect(await audit(`target_user_id = $1 AND action = 'unsuspend_user'`, [offender.id])).toEqual([
        {
          moderator_id: moderator.id,
          action: 'unsuspend_user',
          report_id: null,
          target_user_id: offender.id,
          message_id: null,
          note: null,
        },
      ]);
      const missing = await testApp.api().post('/moderation/users/2000000000/unsuspend').set(bearer(moderator));
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ statusCode: 404, message: 'No user has id 2000000000' });
      await testApp.api().post('/moderation/users/x/unsuspend').set(bearer(moderator)).expect(400);
    });
  });
});
