/*
 * Attachments in the reference web client (examples/web), in Chromium against the real app on local storage:
 * one user attaches a photo and sends it without text, the other sees its thumbnail live and opens the full image,
 * both fetched with the token and shown as blobs; the sender deletes it, and it leaves the peer's page and the
 * storage's disk. A document goes the same way as a download, and a file the server refuses says why. Each step's
 * screenshot is kept in test-output/web-attachments/.
 */
import { mkdtempSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { sendMessage, signupUser, type TestUser } from '../support/factories.js';
import { pdf, photoWithGps } from '../support/files.js';
import { chatWith, connection, gone, messages, shown, UI_WAIT_MS, useWebClient } from './web-client-harness.js';

/** How long a deleted message's files may stay on disk: they are deleted moments after the delete commits. */
const SWEEP_WAIT_MS = 10_000;

/** Every file under `directory`, recursively. */
async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** What an `<img>` shows once it has loaded: its source and its intrinsic size. */
const loadedImage = (image: Locator) =>
  image.evaluate(async (element: HTMLImageElement) => {
    await element.decode();
    return { src: element.src, naturalWidth: element.naturalWidth, naturalHeight: element.naturalHeight };
  });

describe('attachments in the reference web client (Chromium)', () => {
  const storageDir = mkdtempSync(join(tmpdir(), 'parley-web-files-'));
  const client = useWebClient('web-attachments', () => ({ STORAGE: 'local', STORAGE_DIR: storageDir }));
  const { openPage, screenshot } = client;
  afterAll(() => rm(storageDir, { recursive: true, force: true }));

  const filesToSend = (page: Page) => page.getByRole('list', { name: 'Files to send' });
  const sendButton = (page: Page) => page.getByRole('button', { name: 'Send', exact: true });
  /** Waits until a chosen file is uploaded: its size shows where "Uploading…" was. */
  const readyToSend = (page: Page, name: string) =>
    shown(
      filesToSend(page)
        .getByRole('listitem')
        .filter({ hasText: name })
        .getByText(/^[\d.]+ (bytes?|KB|MB)$/),
    );

  /** Logs in on a fresh page and opens the chat with `peer` (listed: the test sends a message between them first). */
  const openChat = async (user: TestUser, peer: TestUser): Promise<{ context: BrowserContext; page: Page }> => {
    const opened = await openPage();
    const { page } = opened;
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await shown(connection(page).filter({ hasText: 'Live' }));
    await chatWith(page, peer.username).click();
    await shown(messages(page).first());
    return opened;
  };

  /** The next POST /send's JSON body. */
  const nextSend = (page: Page) =>
    page
      .waitForRequest((request) => request.method() === 'POST' && new URL(request.url()).pathname === '/send', {
        timeout: UI_WAIT_MS,
      })
      .then((request) => request.postDataJSON() as Record<string, unknown>);

  it("sends a photo without text: the peer sees its thumbnail live and opens it full size; deleting it takes it off the peer's page and off the disk", async () => {
    const [alice, bob] = [await signupUser(client.testApp), await signupUser(client.testApp)];
    await sendMessage(client.testApp, bob, alice, 'Send me the photo');
    const alicePage = (await openChat(alice, bob)).page;
    const bobPage = (await openChat(bob, alice)).page;
    // Delete asks "for everyone?" first; the test says yes.
    alicePage.on('dialog', (dialog) => void dialog.accept());

    // Alice attaches an 800 × 600 photo: it uploads at once, and waits in the composer with its stored size.
    await alicePage.getByLabel('Attach a file').setInputFiles({
      name: 'photo.jpg',
      mimeType: 'image/jpeg',
      buffer: await photoWithGps(800, 600),
    });
    await readyToSend(alicePage, 'photo.jpg');
    await screenshot(alicePage, '01-alice-photo-ready-to-send');

    // Sent with no text: the request carries the upload's id and no message, and the composer's list empties.
    const sent = nextSend(alicePage);
    await sendButton(alicePage).click();
    const body = await sent;
    expect(body).not.toHaveProperty('message');
    expect(body.attachment_ids).toEqual([expect.any(String)]);
    await gone(filesToSend(alicePage));
    const [stored] = await client.testApp.query<{ id: string }>(`SELECT id FROM attachments`);
    expect(stored.id).toBe((body.attachment_ids as string[])[0]);
    // The file and its thumbnail are on the disk.
    expect(await filesUnder(storageDir)).toHaveLength(2);

    // Bob's page shows the thumbnail live: a blob of the 320 px WebP, in a box sized before it loaded.
    const bobsMessage = messages(bobPage).filter({ has: bobPage.getByRole('img', { name: 'photo.jpg' }) });
    const thumbnail = bobsMessage.getByRole('img', { name: 'photo.jpg' });
    await shown(thumbnail);
    const shownThumbnail = await loadedImage(thumbnail);
    expect(shownThumbnail.src).toMatch(/^blob:/);
    expect(shownThumbnail.naturalWidth).toBe(320);
    expect(shownThumbnail.naturalHeight).toBe(240);
    expect([await thumbnail.getAttribute('width'), await thumbnail.getAttribute('height')]).toEqual(['320', '240']);
    // The chat list previews it by the file's name.
    await shown(chatWith(bobPage, alice.username).getByText('📎 photo.jpg'));
    await screenshot(bobPage, '02-bob-sees-thumbnail-live');

    // Bob opens it: the full image, also a blob, 800 px wide; Close puts it away.
    await thumbnail.click();
    const viewer = bobPage.getByRole('dialog', { name: 'photo.jpg' });
    await shown(viewer);
    const fullImage = await loadedImage(viewer.getByRole('img', { name: 'photo.jpg' }));
    expect(fullImage.src).toMatch(/^blob:/);
    expect(fullImage.naturalWidth).toBe(800);
    expect(fullImage.naturalHeight).toBe(600);
    await screenshot(bobPage, '03-bob-opens-full-image');
    await viewer.getByRole('button', { name: 'Close' }).click();
    await gone(viewer);

    // Alice deletes it for everyone: the thumbnail leaves Bob's page live, and the message is a tombstone.
    const alicesMessage = messages(alicePage).filter({ has: alicePage.getByRole('img', { name: 'photo.jpg' }) });
    const messageId = await alicesMessage.getAttribute('data-testid', { timeout: UI_WAIT_MS });
    await alicesMessage.hover();
    await alicesMessage
      .getByRole('group', { name: 'Message actions' })
      .getByRole('button', { name: 'Delete', exact: true })
      .click();
    await gone(thumbnail);
    await shown(bobPage.getByTestId(messageId!).getByText('This message was deleted', { exact: true }));
    expect(await bobPage.getByRole('img', { name: 'photo.jpg' }).count()).toBe(0);
    await screenshot(bobPage, '04-bob-sees-photo-deleted');

    // And the storage holds no file of it: deleted moments after the delete committed.
    const deadline = Date.now() + SWEEP_WAIT_MS;
    while ((await filesUnder(storageDir)).length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await filesUnder(storageDir)).toEqual([]);
  }, 120_000);

  it('sends a document with text for the peer to download, takes a file back out, and shows why a file was refused', async () => {
    const [carol, dave] = [await signupUser(client.testApp), await signupUser(client.testApp)];
    await sendMessage(client.testApp, dave, carol, 'The plan, please');
    const carolPage = (await openChat(carol, dave)).page;
    const davePage = (await openChat(dave, carol)).page;
    const attach = carolPage.getByLabel('Attach a file');

    // A file that is no allowed type: the server's 415 is shown, and nothing waits to be sent.
    await attach.setInputFiles({ name: 'tool.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(64) });
    await shown(carolPage.getByRole('alert').getByText(/^tool\.bin was not uploaded: .*cannot be uploaded; allowed:/));
    expect(await filesToSend(carolPage).count()).toBe(0);
    await screenshot(carolPage, '05-carol-file-refused');

    // Two files chosen, one taken back out: only the other goes.
    await attach.setInputFiles([
      { name: 'plan.pdf', mimeType: 'application/pdf', buffer: pdf() },
      { name: 'draft.pdf', mimeType: 'application/pdf', buffer: pdf() },
    ]);
    await readyToSend(carolPage, 'plan.pdf');
    await readyToSend(carolPage, 'draft.pdf');
    await filesToSend(carolPage).getByRole('button', { name: 'Remove draft.pdf' }).click();
    expect(await filesToSend(carolPage).getByRole('listitem').allTextContents()).toEqual([
      expect.stringContaining('plan.pdf'),
    ]);
    await carolPage.getByRole('textbox', { name: 'Message' }).fill('Here it is');
    const sent = nextSend(carolPage);
    await sendButton(carolPage).click();
    expect(await sent).toMatchObject({ message: 'Here it is', attachment_ids: [expect.any(String)] });
    // The one taken back was deleted on the server too (DELETE /uploads/{id}), not left for the orphan sweep.
    const carolsUploads = async () =>
      (
        await client.testApp.query<{ name: string }>(
          'SELECT name FROM attachments WHERE uploader_id = $1 ORDER BY name',
          [carol.id],
        )
      ).map((row) => row.name);
    for (let attempt = 0; attempt < 50 && (await carolsUploads()).includes('draft.pdf'); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await carolsUploads()).toEqual(['plan.pdf']);

    // Dave's page shows the text and a download button with the name and size; it saves the very file.
    const bubble = messages(davePage).filter({ hasText: 'Here it is' });
    const download = bubble.getByRole('button', { name: /plan\.pdf/ });
    await shown(download);
    expect(await download.textContent()).toContain(`${pdf().length} bytes`);
    expect(await bubble.getByText('draft.pdf').count()).toBe(0);
    await screenshot(davePage, '06-dave-sees-document');
    const [saved] = await Promise.all([davePage.waitForEvent('download', { timeout: UI_WAIT_MS }), download.click()]);
    expect(saved.suggestedFilename()).toBe('plan.pdf');
    expect(await readFile(await saved.path())).toEqual(pdf());
  }, 120_000);
});
