/*
 * The reference web client (examples/web) in a real browser, against the real
 * app: two people in two browser contexts chat live, see receipts and typing,
 * edit, delete, react and reply, and one of them goes offline and catches up
 * through /sync on reconnect. Each step's screenshot is kept in
 * test-output/web-client/.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Locator, Page } from 'playwright-core';
import { bearer, sendMessage, signupUser } from '../support/factories.js';
import {
  chatWith,
  connection,
  conversation,
  gone,
  message,
  messages,
  send,
  shown,
  signUp,
  UI_WAIT_MS,
  useWebClient,
} from './web-client-harness.js';

/** The operator CLI as built with the app (`npm run cli`): the test makes its moderator with it. */
const CLI = 'dist/src/cli.js';

describe('reference web client (examples/web) in Chromium', () => {
  const client = useWebClient('web-client');
  const { openPage, screenshot } = client;
  /** The texts of messages, without their action buttons, reactions or quotes. */
  const texts = (list: Locator) => list.locator('.text').allTextContents();
  /** One message by its id (data-testid), to follow it whatever its text becomes. */
  const messageNow = async (page: Page, text: string) =>
    page.getByTestId((await message(page, text).getAttribute('data-testid', { timeout: UI_WAIT_MS }))!);
  /** A message's action (Reply, React, Edit, Delete): they show while the pointer is on the message. */
  const act = async (page: Page, item: Locator, action: string) => {
    await item.hover();
    await item
      .getByRole('group', { name: 'Message actions' })
      .getByRole('button', { name: action, exact: true })
      .click();
  };

  const logIn = async (page: Page, user: { username: string; password: string }) => {
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await shown(connection(page).filter({ hasText: 'Live' }));
  };
  /** The bodies of the POST /send requests a page makes, in order. */
  const sendsFrom = (page: Page): string[] => {
    const sent: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/send') {
        sent.push((request.postDataJSON() as { message: string }).message);
      }
    });
    return sent;
  };

  it('delivers a message live, returns the read receipt and typing, and catches up after going offline', async () => {
    const alice = await openPage();
    const bob = await openPage();
    await signUp(alice.page, 'alice_web');
    await signUp(bob.page, 'bob_web');
    await screenshot(alice.page, '01-alice-signed-up');
    const bobSyncs: string[] = [];
    bob.page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/sync') bobSyncs.push(request.url());
    });

    // Alice starts a chat with Bob from the people online, and writes.
    await alice.page.getByRole('button', { name: 'Start a chat' }).click();
    await alice.page.getByRole('list', { name: 'Online now' }).getByRole('button', { name: 'bob_web' }).click();
    await send(alice.page, 'Hello, bob');

    // Bob's chat list shows it live, unread.
    await shown(chatWith(bob.page, 'alice_web').getByLabel('1 unread'));
    await screenshot(bob.page, '02-bob-live-message-unread');

    // Bob opens the chat: it is marked read, and Alice sees the receipt.
    await chatWith(bob.page, 'alice_web').click();
    await shown(message(bob.page, 'Hello, bob'));
    await shown(message(alice.page, 'Hello, bob').getByText('Read'));
    await gone(chatWith(bob.page, 'alice_web').getByLabel(/unread/));
    await screenshot(alice.page, '03-alice-read-receipt');

    // Bob types: Alice sees it; Bob sends: the indicator gives way to the message.
    await bob.page.getByRole('textbox', { name: 'Message' }).pressSequentially('Hi al');
    await shown(alice.page.getByText('bob_web is typing…'));
    await screenshot(alice.page, '04-alice-sees-typing');
    await bob.page.getByRole('textbox', { name: 'Message' }).pressSequentially('ice');
    await bob.page.getByRole('button', { name: 'Send', exact: true }).click();
    await shown(message(alice.page, 'Hi alice'));
    await gone(alice.page.getByText('bob_web is typing…'));

    // Bob goes offline; Alice writes twice, and both are stored.
    await bob.context.setOffline(true);
    await shown(connection(bob.page).filter({ hasText: 'Offline' }));
    await send(alice.page, 'While you were away (1)');
    await send(alice.page, 'While you were away (2)');
    // Time enough for a live delivery, had the socket still been open; nothing may arrive.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await messages(bob.page).filter({ hasText: 'While you were away' }).count()).toBe(0);
    await screenshot(bob.page, '05-bob-offline');

    // Bob is back: the socket reconnects, /sync from his cursor brings the chat, and `after=` the messages.
    const syncsBefore = bobSyncs.length;
    await bob.context.setOffline(false);
    await shown(connection(bob.page).filter({ hasText: 'Live' }));
    await shown(message(bob.page, 'While you were away (2)'));
    expect(await texts(messages(bob.page).filter({ hasText: 'While you were away' }))).toEqual([
      'While you were away (1)',
      'While you were away (2)',
    ]);
    expect(bobSyncs.slice(syncsBefore).some((url) => new URL(url).searchParams.has('since'))).toBe(true);
    // The open chat is read again, and Alice's receipts follow.
    await shown(message(alice.page, 'While you were away (2)').getByText('Read'));
    await screenshot(bob.page, '06-bob-caught-up');
    await screenshot(alice.page, '07-alice-read-after-catch-up');
  }, 120_000);

  it('edits, deletes, reacts and replies live, and brings what changed while offline through /sync', async () => {
    const alice = await openPage();
    const bob = await openPage();
    await signUp(alice.page, 'alice_edits');
    await signUp(bob.page, 'bob_edits');
    // Delete asks "for everyone?" first; the test says yes.
    alice.page.on('dialog', (dialog) => void dialog.accept());
    const bobSyncs: string[] = [];
    bob.page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/sync') bobSyncs.push(request.url());
    });
    const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });

    await alice.page.getByRole('button', { name: 'Start a chat' }).click();
    await alice.page.getByRole('list', { name: 'Online now' }).getByRole('button', { name: 'bob_edits' }).click();
    for (const text of ['See you at 5', 'Wrong chat, sorry', 'Bring the map', 'Never mind']) {
      await send(alice.page, text);
    }
    await chatWith(bob.page, 'alice_edits').click();
    await shown(message(bob.page, 'Never mind'));
    const [time, wrong, map, never] = [
      await messageNow(bob.page, 'See you at 5'),
      await messageNow(bob.page, 'Wrong chat, sorry'),
      await messageNow(bob.page, 'Bring the map'),
      await messageNow(bob.page, 'Never mind'),
    ];

    // Alice edits her message in the composer; Bob sees the new text live, marked "edited".
    await act(alice.page, message(alice.page, 'See you at 5'), 'Edit');
    expect(await composer(alice.page).inputValue()).toBe('See you at 5');
    await composer(alice.page).fill('See you at 6');
    await alice.page.getByRole('button', { name: 'Save', exact: true }).click();
    await shown(message(alice.page, 'See you at 6').getByText('edited', { exact: true }));
    await shown(time.locator('.text').getByText('See you at 6', { exact: true }));
    await shown(time.getByText('edited', { exact: true }));
    await screenshot(bob.page, '09-bob-sees-edit-live');

    // Alice deletes one for everyone; Bob sees the tombstone live, and the text is gone from his page.
    await act(alice.page, message(alice.page, 'Wrong chat, sorry'), 'Delete');
    await shown(message(alice.page, 'This message was deleted'));
    await shown(wrong.getByText('This message was deleted', { exact: true }));
    expect(await bob.page.getByText('Wrong chat, sorry').count()).toBe(0);
    await screenshot(bob.page, '10-bob-sees-tombstone-live');

    // Bob reacts from the picker; Alice sees the reaction live (not pressed: it is not hers).
    await act(bob.page, time, 'React');
    await time.getByRole('group', { name: 'Pick a reaction' }).getByRole('button', { name: 'React 👍' }).click();
    await shown(time.getByRole('button', { name: '👍 1', pressed: true }));
    const aliceTime = message(alice.page, 'See you at 6');
    await shown(
      aliceTime.getByRole('group', { name: 'Reactions' }).getByRole('button', { name: '👍 1', pressed: false }),
    );
    await screenshot(alice.page, '11-alice-sees-reaction-live');

    // Bob replies with a quote; Alice sees the reply with the quoted text.
    await act(bob.page, time, 'Reply');
    await shown(bob.page.getByRole('group', { name: 'Replying to' }).getByText('See you at 6', { exact: true }));
    await send(bob.page, 'Works for me');
    await gone(bob.page.getByRole('group', { name: 'Replying to' }));
    const reply = message(alice.page, 'Works for me');
    await shown(reply.getByLabel('Quoted message').getByText('See you at 6', { exact: true }));
    await screenshot(alice.page, '12-alice-sees-reply-live');

    // Bob goes offline; Alice edits one message and deletes another, and nothing reaches Bob live.
    await bob.context.setOffline(true);
    await shown(connection(bob.page).filter({ hasText: 'Offline' }));
    await act(alice.page, message(alice.page, 'Bring the map'), 'Edit');
    await composer(alice.page).fill('Bring the map and a torch');
    await alice.page.getByRole('button', { name: 'Save', exact: true }).click();
    await shown(message(alice.page, 'Bring the map and a torch'));
    await act(alice.page, message(alice.page, 'Never mind'), 'Delete');
    await gone(message(alice.page, 'Never mind'));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await texts(map)).toEqual(['Bring the map']);
    expect(await texts(never)).toEqual(['Never mind']);
    await screenshot(bob.page, '13-bob-offline-before-changes');

    // Bob is back: /sync from his cursor lists both changed messages, and his page shows them as they are now.
    const syncsBefore = bobSyncs.length;
    await bob.context.setOffline(false);
    await shown(connection(bob.page).filter({ hasText: 'Live' }));
    await shown(map.locator('.text').getByText('Bring the map and a torch', { exact: true }));
    await shown(map.getByText('edited', { exact: true }));
    await shown(never.getByText('This message was deleted', { exact: true }));
    expect(await bob.page.getByText('Never mind').count()).toBe(0);
    expect(bobSyncs.slice(syncsBefore).some((url) => new URL(url).searchParams.has('since'))).toBe(true);
    await screenshot(bob.page, '14-bob-caught-up-on-changes');

    // The quoted message is deleted: both replies' quotes say so, live.
    await act(alice.page, aliceTime, 'Delete');
    await shown(reply.getByLabel('Quoted message').getByText('deleted message', { exact: true }));
    await shown(message(bob.page, 'Works for me').getByLabel('Quoted message').getByText('deleted message'));
    await shown(time.getByText('This message was deleted', { exact: true }));
    await screenshot(bob.page, '15-bob-quote-of-deleted-message');
  }, 120_000);

  it("offers Edit and Delete only on my messages, Report only on theirs, and shows the server's refusal of a late edit", async () => {
    const [erin, frank] = [await signupUser(client.testApp), await signupUser(client.testApp)];
    const mine = await sendMessage(client.testApp, erin, frank, 'Sent long ago');
    await sendMessage(client.testApp, frank, erin, 'Not yours to change');
    const { page } = await openPage();
    await logIn(page, erin);
    await chatWith(page, frank.username).click();
    await shown(message(page, 'Not yours to change'));

    const actions = (text: string) =>
      message(page, text)
        .getByRole('group', { name: 'Message actions' })
        .getByRole('button')
        .evaluateAll((buttons) => buttons.map((b) => b.ariaLabel));
    // Report is the other way round: offered only on theirs.
    expect(await actions('Not yours to change')).toEqual(['Reply', 'React', 'Report']);
    expect(await actions('Sent long ago')).toEqual(['Reply', 'React', 'Edit', 'Delete']);
    // The page offers Edit by its own clock; the server, whose clock says the window has passed, refuses.
    await client.testApp.query(`UPDATE messages SET created_at = now() - interval '1 hour' WHERE id = $1`, [mine.id]);
    await act(page, message(page, 'Sent long ago'), 'Edit');
    await page.getByRole('textbox', { name: 'Message' }).fill('Too late to change');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await shown(page.getByRole('alert').getByText('A message can be edited only within 900 seconds of sending'));
    await shown(message(page, 'Sent long ago'));
    expect(await page.getByText('Too late to change').count()).toBe(0);
    await screenshot(page, '16-late-edit-refused');
  }, 90_000);

  it('logs in, shows the unread count, and pages back through history', async () => {
    const [carol, dave] = [await signupUser(client.testApp), await signupUser(client.testApp)];
    for (let i = 1; i <= 120; i++) await sendMessage(client.testApp, carol, dave, `message ${i}`);
    const { page } = await openPage();

    await page.getByLabel('Username').fill(dave.username);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await shown(page.getByRole('alert'));
    await page.getByLabel('Password').fill(dave.password);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await shown(chatWith(page, carol.username).getByLabel('120 unread'));

    await chatWith(page, carol.username).click();
    await shown(message(page, 'message 120'));
    expect(await messages(page).count()).toBe(50);
    await shown(messages(page).first().filter({ hasText: 'message 71' }));
    for (const expected of [100, 120]) {
      await page.getByRole('button', { name: 'Load older messages' }).click();
      await shown(message(page, `message ${121 - expected}`));
      expect(await messages(page).count()).toBe(expected);
    }
    expect(await page.getByRole('button', { name: 'Load older messages' }).count()).toBe(0);
    expect(await texts(messages(page).first())).toEqual(['message 1']);
    await gone(page.getByLabel(/unread/));
    await screenshot(page, '08-history-paged-back');
  }, 90_000);

  it("blocks and unblocks from the conversation header, shows the blocked side's refused send without retrying it, and files a report whose suspension signs the reported user out", async () => {
    const alice = await openPage();
    const bob = await openPage();
    await signUp(alice.page, 'alice_blocked');
    await signUp(bob.page, 'bob_blocks');
    const aliceSends = sendsFrom(alice.page);
    await alice.page.getByRole('button', { name: 'Start a chat' }).click();
    await alice.page.getByRole('list', { name: 'Online now' }).getByRole('button', { name: 'bob_blocks' }).click();
    await send(alice.page, 'You again');
    await chatWith(bob.page, 'alice_blocked').click();
    await shown(message(bob.page, 'You again'));

    // Bob blocks Alice from the header: the button turns to Unblock, and his composer is closed.
    const bobsView = conversation(bob.page, 'alice_blocked');
    await bobsView.getByRole('button', { name: 'Block', exact: true }).click();
    await shown(bobsView.getByRole('button', { name: 'Unblock', exact: true }));
    await shown(bobsView.getByText('You blocked alice_blocked'));
    expect(await bob.page.getByRole('textbox', { name: 'Message' }).isDisabled()).toBe(true);
    await screenshot(bob.page, '17-bob-blocked-alice');

    // Alice's next send is refused (403), and says so; it is sent once, not retried, and offers no Retry.
    await alice.page.getByRole('textbox', { name: 'Message' }).fill('Why not answer?');
    await alice.page.getByRole('button', { name: 'Send', exact: true }).click();
    const refused = message(alice.page, 'Why not answer?');
    await shown(refused.getByText('Not sent: You cannot message this user'));
    // Longer than the client's first retry delay (1 s): a retry would have gone by now.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(aliceSends.filter((text) => text === 'Why not answer?')).toHaveLength(1);
    expect(await refused.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    expect(await bob.page.getByText('Why not answer?').count()).toBe(0);
    await screenshot(alice.page, '18-alice-send-refused');
    await refused.getByRole('button', { name: 'Dismiss' }).click();
    await gone(refused);

    // The block is the server's: a fresh page (GET /blocks) still offers Unblock.
    await bob.page.reload();
    await chatWith(bob.page, 'alice_blocked').click();
    await shown(bobsView.getByRole('button', { name: 'Unblock', exact: true }));

    // Bob unblocks: Alice's message goes through again.
    await bobsView.getByRole('button', { name: 'Unblock', exact: true }).click();
    await shown(bobsView.getByRole('button', { name: 'Block', exact: true }));
    expect(await bob.page.getByRole('textbox', { name: 'Message' }).isDisabled()).toBe(false);
    await send(alice.page, 'Thanks for unblocking');
    await shown(message(bob.page, 'Thanks for unblocking'));

    // Bob reports her first message, with a reason and details; it shows "Reported" and is not offered again.
    const reportedMessage = await messageNow(bob.page, 'You again');
    await act(bob.page, reportedMessage, 'Report');
    const form = reportedMessage.getByRole('form', { name: 'Report message' });
    await form.getByLabel('What is wrong?').selectOption('harassment');
    await form.getByLabel('Details for the moderators (optional)').fill('Keeps writing after I blocked them');
    await screenshot(bob.page, '19-bob-reports-a-message');
    await form.getByRole('button', { name: 'Send report' }).click();
    await shown(reportedMessage.getByText('Reported', { exact: true }));
    await gone(form);
    await reportedMessage.hover();
    expect(await reportedMessage.getByRole('button', { name: 'Report' }).count()).toBe(0);
    await screenshot(bob.page, '20-bob-reported');

    // A moderator, made one with the operator CLI, finds the report in the queue as Bob filed it.
    const moderator = await signupUser(client.testApp);
    await promisify(execFile)(process.execPath, [CLI, 'moderator', 'grant', moderator.username], {
      env: { ...process.env, DATABASE_URL: client.testApp.database.url },
    });
    const [aliceRow, bobRow] = await client.testApp.query<{ id: number }>(
      `SELECT id FROM users WHERE username = ANY($1) ORDER BY username`,
      [['alice_blocked', 'bob_blocks']],
    );
    const queue = await client.testApp.api().get('/moderation/reports?status=open').set(bearer(moderator)).expect(200);
    const reports = (queue.body as { reports: Record<string, unknown>[] }).reports.filter(
      (report) => (report.reported_user as { id: number }).id === aliceRow.id,
    );
    const reportedId = Number((await reportedMessage.getAttribute('data-testid'))!.replace('message-', ''));
    expect(reports).toEqual([
      expect.objectContaining({
        reporter_id: bobRow.id,
        reason: 'harassment',
        details: 'Keeps writing after I blocked them',
        message_id: reportedId,
        message_text: 'You again',
      }),
    ]);

    // The moderator suspends Alice: her open window is signed out at once, and says why.
    await client.testApp
      .api()
      .post(`/moderation/reports/${reports[0].id as number}/resolve`)
      .set(bearer(moderator))
      .send({ action: 'suspend_user', note: 'Harassment after a block' })
      .expect(200);
    await shown(alice.page.getByText('A moderator suspended your account.'));
    await shown(alice.page.getByRole('button', { name: 'Log in', exact: true }));
    await screenshot(alice.page, '21-alice-suspended');
  }, 120_000);

  it('downloads my data as a JSON file, and deletes my account once the password confirms it; my peer sees a deleted account', async () => {
    const [carol, dave] = [await signupUser(client.testApp), await signupUser(client.testApp)];
    await sendMessage(client.testApp, dave, carol, 'Hello carol');
    await sendMessage(client.testApp, carol, dave, 'Hi dave');
    const carolTab = await openPage();
    await logIn(carolTab.page, carol);
    const daveTab = await openPage();
    await logIn(daveTab.page, dave);
    await shown(chatWith(daveTab.page, carol.username));

    // Download my data: the browser saves one file, and it is the account as JSON.
    await carolTab.page.getByRole('button', { name: 'Settings' }).click();
    const settings = carolTab.page.getByRole('region', { name: 'Settings' });
    const [download] = await Promise.all([
      carolTab.page.waitForEvent('download', { timeout: UI_WAIT_MS }),
      settings.getByRole('button', { name: 'Download my data' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`parley-export-${carol.id}.json`);
    const exported = JSON.parse(await readFile(await download.path(), 'utf8')) as {
      profile: Record<string, unknown>;
      messages: { message: string }[];
    };
    expect(exported.profile).toMatchObject({ id: carol.id, username: carol.username, email: carol.email });
    expect(exported.messages.map((entry) => entry.message)).toEqual(['Hello carol', 'Hi dave']);
    await screenshot(carolTab.page, '22-settings-data-downloaded');

    // A wrong password deletes nothing, and says so.
    await settings.getByLabel('Your password').fill('not my password');
    await settings.getByRole('button', { name: 'Delete my account' }).click();
    await shown(settings.getByRole('alert').getByText('Wrong password: your account was not deleted.'));
    await screenshot(carolTab.page, '23-delete-wrong-password');

    // The right one: Carol is signed out, told why.
    await settings.getByLabel('Your password').fill(carol.password);
    await settings.getByRole('button', { name: 'Delete my account' }).click();
    await shown(carolTab.page.getByText('Your account was deleted.'));
    await shown(carolTab.page.getByRole('button', { name: 'Log in', exact: true }));
    await screenshot(carolTab.page, '24-account-deleted');

    // Dave's list names the chat "Deleted account"; her message is a tombstone, and there is nobody to write to.
    await daveTab.page.reload();
    await chatWith(daveTab.page, 'Deleted account').click();
    const view = conversation(daveTab.page, 'Deleted account');
    await shown(view.getByText('This account was deleted.'));
    await shown(message(daveTab.page, 'This message was deleted'));
    expect(await view.getByRole('button', { name: 'Block' }).count()).toBe(0);
    expect(await daveTab.page.getByRole('textbox', { name: 'Message' }).isDisabled()).toBe(true);
    await screenshot(daveTab.page, '25-peer-sees-deleted-account');
  }, 120_000);
});
