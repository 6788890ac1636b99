/*
 * Message search in the reference web client (examples/web), in Chromium against the real app: Bob finds an old
 * message of Alice's by a word typed without its accent, sees the match marked, and opens the conversation at that
 * message (the page ending at it and the page after it, not the latest page), scrolled to it; paging newer from there
 * reaches the latest message. A word from a conversation he is not in finds nothing. Screenshots land in
 * test-output/web-search/.
 */
import type { Locator, Page } from 'playwright-core';
import { bearer, type MessageBody, sendMessage, signupUser, type TestUser } from '../support/factories.js';
import {
  chatWith,
  connection,
  conversation,
  gone,
  messages,
  shown,
  UI_WAIT_MS,
  useWebClient,
} from './web-client-harness.js';

/** The old message: a word with an accent, and text that would be markup if the client parsed it as HTML. */
const ADDRESS = 'the address is Zanzíbar road 12, ring at <b>gate</b>';
/** More newer messages than one page of history (50), and than the page after the found one. */
const NEWER_MESSAGES = 65;

describe('message search in the reference web client (Chromium)', () => {
  const client = useWebClient('web-search');
  const { openPage, screenshot } = client;

  const logIn = async (user: TestUser): Promise<Page> => {
    const { page } = await openPage();
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await shown(connection(page).filter({ hasText: 'Live' }));
    return page;
  };

  /**
   * Waits until the server's index finds `messageId` for `user` (it indexes moments after the commit): asked over
   * the API, so the page's one debounced search cannot run before the message is findable.
   */
  const indexed = async (user: TestUser, q: string, messageId: number) => {
    const deadline = Date.now() + UI_WAIT_MS;
    for (;;) {
      const response = await client.testApp.api().get('/search/messages').query({ q }).set(bearer(user)).expect(200);
      if ((response.body.messages as MessageBody[]).some((found) => found.id === messageId)) return;
      if (Date.now() > deadline) throw new Error(`message ${messageId} was not findable by "${q}" in time`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  /** Whether the element is inside its list's visible part and the window's: scrolled into view. */
  const scrolledIntoView = async (page: Page, locator: Locator) =>
    page.waitForFunction(
      (element) => {
        const box = element.getBoundingClientRect();
        const list = element.closest('ol')!.getBoundingClientRect();
        return box.top >= list.top && box.bottom <= list.bottom && box.bottom <= window.innerHeight;
      },
      await locator.elementHandle({ timeout: UI_WAIT_MS }),
      { timeout: UI_WAIT_MS },
    );

  it('finds an old message without its accent, marks the match, and opens the conversation at it', async () => {
    const [alice, bob, carol, dave] = [
      await signupUser(client.testApp),
      await signupUser(client.testApp),
      await signupUser(client.testApp),
      await signupUser(client.testApp),
    ];
    await sendMessage(client.testApp, alice, bob, 'Hi Bob, directions follow');
    const address = await sendMessage(client.testApp, alice, bob, ADDRESS);
    for (let i = 1; i <= NEWER_MESSAGES; i++) await sendMessage(client.testApp, alice, bob, `later ${i}`);
    // A word only in Carol and Dave's conversation: findable by Dave, never by Bob.
    const secret = await sendMessage(client.testApp, carol, dave, 'the key is under the Quokkaville mat');
    await indexed(bob, 'zanzibar', address.id);
    await indexed(dave, 'quokkaville', secret.id);

    const page = await logIn(bob);
    await shown(chatWith(page, alice.username));
    const searches: string[] = [];
    const historyQueries: URLSearchParams[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/search/messages') searches.push(url.searchParams.get('q')!);
      if (url.pathname === `/chat/${alice.id}`) historyQueries.push(url.searchParams);
    });

    // Typed a key at a time: the search waits for a pause, so the partial words are not all sent.
    const searchBox = page.getByRole('searchbox', { name: 'Search messages' });
    await searchBox.pressSequentially('zanzibar');
    const results = page.getByRole('navigation', { name: 'Search results' }).getByRole('listitem');
    const found = results.filter({ hasText: 'road 12' });
    await shown(found);
    expect(searches.at(-1)).toBe('zanzibar');
    expect(searches.length).toBeLessThan('zanzibar'.length);
    // The result says who and when, and marks the match as written, accent and all; the text stays text.
    expect(await results.count()).toBe(1);
    await shown(found.getByText(alice.username));
    await shown(found.locator('time'));
    expect(await found.locator('mark').allTextContents()).toEqual(['Zanzíbar']);
    await shown(found.getByText('<b>gate</b>', { exact: false }));
    expect(await found.locator('b').count()).toBe(0);
    // The chat list gives way to the results.
    expect(await chatWith(page, alice.username).count()).toBe(0);
    await screenshot(page, '01-result-with-match-marked');

    // Opened at the message: the page ending at it and the page after it, not the latest page.
    await found.click();
    const opened = conversation(page, alice.username);
    const target = opened.getByTestId(`message-${address.id}`);
    await shown(target);
    await scrolledIntoView(page, target);
    expect(await target.getAttribute('class')).toContain('jumped');
    expect(await target.locator('.text').textContent()).toBe(ADDRESS);
    expect(historyQueries.map((query) => Object.fromEntries(query))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ before: String(address.id + 1) }),
        expect.objectContaining({ after: String(address.id) }),
      ]),
    );
    await shown(messages(page).filter({ hasText: 'Hi Bob, directions follow' }));
    expect(
      await messages(page)
        .filter({ hasText: `later ${NEWER_MESSAGES}` })
        .count(),
    ).toBe(0);
    await screenshot(page, '02-opened-at-the-message');

    // Paging newer from there reaches the latest message, which marks the chat read.
    await opened.getByRole('button', { name: 'Load newer messages' }).click();
    await shown(messages(page).filter({ hasText: `later ${NEWER_MESSAGES}` }));
    await gone(opened.getByRole('button', { name: 'Load newer messages' }));
    expect(await messages(page).count()).toBe(2 + NEWER_MESSAGES);

    // A word from a conversation Bob is not in finds nothing.
    await searchBox.fill('quokkaville');
    await shown(page.getByText('No messages found'));
    expect(await results.count()).toBe(0);
    await screenshot(page, '03-other-conversation-not-found');

    // An emptied box shows the chat list again, read now.
    await searchBox.fill('');
    await shown(chatWith(page, alice.username));
    await gone(chatWith(page, alice.username).getByLabel(/unread/));
  }, 120_000);
});
