/*
 * Message search (issue 23) through the SDK, as a client uses it: each matching rule next to a message that must
 * not match, the caller's own conversations only, and a change or a delete reaching the index. The index is filled
 * after the commit (src/search/search-indexer.ts), so a test that expects a match polls for it, and one that
 * expects none first waits until nothing is pending.
 */
import {
  type Client,
  deleteAccount,
  deleteMessage,
  editMessage,
  type SearchPageDto,
  type SearchResultDto,
  searchMessages,
  sendMessage,
  uploadFile,
} from '@parley/client';
import { DataSource } from 'typeorm';
import { signupUser, type TestUser } from '../support/factories.js';
import { png } from '../support/files.js';
import { listenForSdk, type SdkTarget } from '../support/sdk-client.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const POLL_MS = 25;
const WAIT_MS = 5000;

/** Resolves once every noted message is indexed (the pending rows of a running batch stay visible until it commits). */
async function indexed(testApp: TestApp): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const [{ pending }] = await testApp.query<{ pending: number }>(
      'SELECT count(*)::int AS pending FROM search_pending',
    );
    if (pending === 0) return;
    if (Date.now() > deadline) throw new Error(`${pending} messages still waiting to be indexed`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function search(client: Client, q: string, query: { user_id?: number; limit?: number; cursor?: string } = {}) {
  return (await searchMessages({ client, query: { q, ...query }, throwOnError: true })).data;
}

const texts = (page: SearchPageDto) => page.messages.map((message) => message.message);
const marked = (result: SearchResultDto) => result.highlight.map(({ start, end }) => result.message.slice(start, end));

describe('GET /search/messages', () => {
  let testApp: TestApp;
  let sdk: SdkTarget;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let [asAlice, asBob, asCarol]: Client[] = [];

  const send = async (client: Client, to: TestUser, message: string) =>
    (await sendMessage({ client, body: { user_id: to.id, message }, throwOnError: true })).data;

  beforeAll(async () => {
    testApp = await createTestApp();
    sdk = await listenForSdk(testApp);
    [alice, bob, carol] = [await signupUser(testApp), await signupUser(testApp), await signupUser(testApp)];
    [asAlice, asBob, asCarol] = [sdk.as(alice), sdk.as(bob), sdk.as(carol)];
    await send(asAlice, bob, 'Meet me at the Café Zanzíbar');
    await send(asBob, alice, 'What was the address again?');
    await send(asAlice, bob, 'ticket-4711-b failed: flag_check.exe not found');
    await send(asAlice, bob, 'ok then');
    await send(asBob, alice, 'look at this');
    await send(asAlice, bob, 'see you at noon tomorrow');
    await send(asCarol, alice, 'the orange secretword is mine');
    await indexed(testApp);
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('ignores case and accents, and marks where it matched in the original text', async () => {
    const page = await search(asBob, 'CAFE zanzibar');
    expect(texts(page)).toEqual(['Meet me at the Café Zanzíbar']);
    expect(marked(page.messages[0])).toEqual(['Café', 'Zanzíbar']);
  });

  it('finds a word by its beginning and an identifier or number inside a longer token', async () => {
    expect(texts(await search(asBob, 'addr'))).toEqual(['What was the address again?']);
    expect(texts(await search(asBob, 'check.exe'))).toEqual(['ticket-4711-b failed: flag_check.exe not found']);
    const number = await search(asBob, '4711');
    expect(marked(number.messages[0])).toEqual(['4711']);
  });

  it('needs every term, and a quoted phrase in its order', async () => {
    expect(texts(await search(asBob, 'zanzibar address'))).toEqual([]);
    expect(texts(await search(asBob, '"noon tomorrow"'))).toEqual(['see you at noon tomorrow']);
    expect(texts(await search(asBob, '"tomorrow noon"'))).toEqual([]);
  });

  it('matches a term of one or two characters as a whole word only', async () => {
    // "ok" is inside "look"; only the message with the word "ok" is found.
    expect(texts(await search(asBob, 'ok'))).toEqual(['ok then']);
  });

  it('searches only your own conversations, and one of them with user_id', async () => {
    expect(texts(await search(asBob, 'secretword'))).toEqual([]);
    expect(texts(await search(asAlice, 'secretword'))).toEqual(['the orange secretword is mine']);
    expect(texts(await search(asAlice, 'secretword', { user_id: bob.id }))).toEqual([]);
    expect(texts(await search(asAlice, 'secretword', { user_id: carol.id }))).toEqual([
      'the orange secretword is mine',
    ]);
    // Never talked to, or no such user: an empty list, not a 404 that would say who exists.
    expect(texts(await search(asBob, 'secretword', { user_id: carol.id }))).toEqual([]);
    expect(texts(await search(asBob, 'secretword', { user_id: 2_000_000_000 }))).toEqual([]);
  });

  it('finds an edited message by its new text only', async () => {
    const sent = await send(asAlice, bob, 'the password is hunter2 maybe');
    await indexed(testApp);
    expect(texts(await search(asBob, 'hunter2'))).toHaveLength(1);
    await editMessage({
      client: asAlice,
      path: { id: sent.id },
      body: { message: 'never mind that' },
      throwOnError: true,
    });
    // Right after the edit's 200, before any reindexing: the old text is gone at once.
    expect(texts(await search(asBob, 'hunter2'))).toEqual([]);
    await indexed(testApp);
    expect(texts(await search(asBob, 'hunter2'))).toEqual([]);
    expect(texts(await search(asBob, 'never mind'))).toEqual(['never mind that']);
  });

  it('never finds a deleted message again, and keeps none of its words in the index', async () => {
    const sent = await send(asAlice, bob, 'delete this xylophonist remark');
    await indexed(testApp);
    expect(texts(await search(asBob, 'xylophonist'))).toHaveLength(1);
    await deleteMessage({ client: asAlice, path: { id: sent.id }, throwOnError: true });
    expect(texts(await search(asBob, 'xylophonist'))).toEqual([]);
    await indexed(testApp);
    const stored = await testApp.query(`SELECT 1 FROM message_search WHERE text LIKE '%xylophonist%'`);
    expect(stored).toEqual([]);
  });

  it('erases the rows of a batch that read a message just before its delete committed', async () => {
    const sent = await send(asAlice, bob, 'a sesquipedalian remark');
    await indexed(testApp);
    await deleteMessage({ client: asAlice, path: { id: sent.id }, throwOnError: true });
    await indexed(testApp);
    // What such a batch leaves, deterministically: its rows committed after the delete removed the message's rows,
    // and the delete's own note still pending. The next batch must find the message deleted and erase the rows.
    await testApp.query(
      `WITH stale AS (
         INSERT INTO message_search (message_id, owner_id, peer_id, edited_at, text, words)
         VALUES ($1, $2, $3, NULL, 'a sesquipedalian remark', to_tsvector('simple', 'a sesquipedalian remark'))
       )
       INSERT INTO search_pending (message_id) VALUES ($1)`,
      [sent.id, bob.id, alice.id],
    );
    await indexed(testApp);
    expect(await testApp.query(`SELECT 1 FROM message_search WHERE message_id = $1`, [sent.id])).toEqual([]);
  });

  it("forgets an erased account's messages and everything it could find; the peer keeps their own words", async () => {
    const [dave, erin] = [await signupUser(testApp), await signupUser(testApp)];
    const asErin = sdk.as(erin);
    await send(sdk.as(dave), erin, 'quokka sighting at the harbour');
    await send(asErin, dave, 'a quokka? really?');
    await indexed(testApp);
    expect(texts(await search(asErin, 'quokka'))).toHaveLength(2);
    await deleteAccount({ client: sdk.as(dave), body: { password: dave.password }, throwOnError: true });
    expect(texts(await search(asErin, 'quokka'))).toEqual(['a quokka? really?']);
    await indexed(testApp);
    expect(texts(await search(asErin, 'quokka'))).toEqual(['a quokka? really?']);
    expect(await testApp.query(`SELECT 1 FROM message_search WHERE text LIKE '%sighting%'`)).toEqual([]);
    expect(await testApp.query(`SELECT 1 FROM message_search WHERE owner_id = $1`, [dave.id])).toEqual([]);
  });

  it('finds a file by its name', async () => {
    const upload = await uploadFile({
      client: asAlice,
      body: { file: new File([new Uint8Array(await png())], 'Holiday-Itinerary.png', { type: 'image/png' }) },
      throwOnError: true,
    });
    await sendMessage({
      client: asAlice,
      body: { user_id: bob.id, attachment_ids: [upload.data.id] },
      throwOnError: true,
    });
    let page: SearchPageDto;
    const deadline = Date.now() + WAIT_MS;
    do page = await search(asBob, 'itinerary');
    while (page.messages.length === 0 && Date.now() < deadline);
    expect(page.messages).toHaveLength(1);
    expect(page.messages[0].attachments[0].name).toBe('Holiday-Itinerary.png');
    // Nothing in the text matched, so there is nothing to mark in it.
    expect(page.messages[0].highlight).toEqual([]);
  });

  it('pages newest first, without repeats or gaps while new matches arrive', async () => {
    const sent: number[] = [];
    for (let i = 0; i < 25; i++) sent.push((await send(asCarol, alice, `pagination marmalade ${i}`)).id);
    await indexed(testApp);
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await search(asAlice, 'marmalade', { limit: 10, cursor });
      seen.push(...page.messages.map((message) => message.id));
      await send(asCarol, alice, 'a newer marmalade');
      await indexed(testApp);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...sent].reverse());
  });
});

describe('GET /search/messages with hostile input and under limits', () => {
  let testApp: TestApp;
  let user: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp({ env: { RATE_LIMIT_SEARCH_PER_USER: '40', SEARCH_STATEMENT_TIMEOUT_MS: '200' } });
    user = await signupUser(testApp);
  });

  afterAll(async () => {
    await testApp.close();
  });

  const get = (q: string) =>
    testApp.api().get('/search/messages').query({ q }).set('Authorization', `Bearer ${user.token}`);

  it('answers 400 for an empty, blank, too long or NUL-holding query', async () => {
    for (const q of ['', '   ', 'x'.repeat(201), 'a\u0000b', 'x'.repeat(10_000)]) {
      const response = await get(q);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }
  });

  it('treats SQL and tsquery syntax as text to find: results, never an error', async () => {
    const hostile = [
      "'; DROP TABLE messages; --",
      '!',
      'a & b',
      'a | b',
      'addr:*',
      'a <-> b',
      '"unbalanced',
      'x"y"z"',
      '%_\\',
      '\ud800 lone surrogate \udfff',
      '(((',
      '!!! ::: ***',
    ];
    for (const q of hostile) {
      const response = await get(q);
      expect({ q, status: response.status }).toEqual({ q, status: 200 });
      expect(response.body.messages).toEqual([]);
    }
  });

  it('cuts a search that runs too long with 503, and the connection serves the next request', async () => {
    // A table lock held elsewhere keeps the search waiting; the statement timeout cancels the wait.
    const runner = testApp.app.get(DataSource).createQueryRunner();
    await runner.startTransaction();
    await runner.query('LOCK TABLE message_search IN ACCESS EXCLUSIVE MODE');
    try {
      const response = await get('anything');
      expect(response.status).toBe(503);
      expect(response.body.message).toMatch(/took too long/);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    expect((await get('anything')).status).toBe(200);
  });

  it('limits searches per user', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 45; i++) statuses.push((await get('limit')).status);
    expect(statuses).toContain(429);
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(40);
  });
});

describe('SEARCH_INDEXER=false', () => {
  let api: TestApp;
  let indexer: TestApp | undefined;

  beforeAll(async () => {
    api = await createTestApp({ env: { SEARCH_INDEXER: 'false', SEARCH_INDEX_INTERVAL_MS: '50' } });
  });

  afterAll(async () => {
    await indexer?.app.close();
    await api.close();
  });

  it('leaves indexing to an instance that indexes: found through either once that one runs', async () => {
    const [alice, bob] = [await signupUser(api), await signupUser(api)];
    await api
      .api()
      .post('/send')
      .set('Authorization', `Bearer ${alice.token}`)
      .send({ user_id: bob.id, message: 'wombat crossing' })
      .expect(201);
    const find = async () =>
      (await api.api().get('/search/messages').query({ q: 'wombat' }).set('Authorization', `Bearer ${bob.token}`))
        .body as SearchPageDto;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(texts(await find())).toEqual([]);

    indexer = await createTestApp({ database: api.database, env: { SEARCH_INDEX_INTERVAL_MS: '50' } });
    await indexed(api);
    expect(texts(await find())).toEqual(['wombat crossing']);
  });
});
