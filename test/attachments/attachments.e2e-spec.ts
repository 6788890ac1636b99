/*
 * Attachments (issue 22) over HTTP, as a client sends and opens them, against each storage: what is stored is
 * checked in the storage itself (the files on disk, the objects in the S3 server), never only through the API.
 */
import exifr from 'exifr';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { AttachmentSweeps, ATTACHMENT_SWEEP_QUEUE } from '../../src/attachments/attachment-sweeps.js';
import { JobQueue } from '../../src/queue/job-queue.js';
import { signupModerator } from '../moderation/moderators.js';
import { bearer, signupUser, type TestUser } from '../support/factories.js';
import { decompressionBomb, pdf, photoWithGps, png } from '../support/files.js';
import { listenForSdk, type SdkTarget } from '../support/sdk-client.js';
import { type S3TestServer, s3StorageEnv, startS3Server } from '../support/s3-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { BlobStorage } from '../../src/attachments/storage/blob-storage.js';
import { Readable } from 'node:stream';

const MAX_BYTES = 1024 * 1024;

/** A multipart body written by hand: form libraries clean a file name before a hostile client would. */
function rawPart(api: ReturnType<TestApp['api']>, disposition: string) {
  return api
    .post('/uploads')
    .set('Content-Type', 'multipart/form-data; boundary=xyz')
    .send(`--xyz\r\nContent-Disposition: form-data; name="file"; ${disposition}\r\n\r\nhello\r\n--xyz--\r\n`);
}

interface StorageUnderTest {
  name: string;
  /** The app's environment for this storage. */
  env(): Promise<Record<string, string>>;
  /** Every object stored, by key (what the storage holds, read around Parley). */
  objects(): Promise<string[]>;
  close(): Promise<void>;
}

/** Every file under `directory`, recursively, as names relative to it. */
async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

function localStorage(): StorageUnderTest {
  let directory = '';
  return {
    name: 'local',
    env: async () => {
      directory = await mkdtemp(join(tmpdir(), 'parley-files-'));
      return { STORAGE: 'local', STORAGE_DIR: directory };
    },
    objects: () => filesUnder(directory),
    close: () => rm(directory, { recursive: true, force: true }),
  };
}

function s3Storage(): StorageUnderTest {
  let server: S3TestServer | undefined;
  return {
    name: 's3',
    env: async () => s3StorageEnv((server = await startS3Server('parley-attachments'))),
    // s3rver's own files: each object is `<key>._S3rver_object` under the bucket's directory.
    objects: async () => (await filesUnder(server?.directory ?? '')).filter((file) => file.endsWith('._S3rver_object')),
    close: async () => server?.close(),
  };
}

const storages: (() => StorageUnderTest)[] = [localStorage, s3Storage];

describe.each(storages.map((make) => [make().name, make] as const))('attachments on %s storage', (_name, make) => {
  const storage = make();
  let testApp: TestApp;
  let sdk: SdkTarget;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp({ env: { ...(await storage.env()), UPLOAD_MAX_BYTES: String(MAX_BYTES) } });
    sdk = await listenForSdk(testApp);
    [alice, bob, carol] = [await signupUser(testApp), await signupUser(testApp), await signupUser(testApp)];
  });

  afterAll(async () => {
    await testApp.close();
    await storage.close();
  });

  const upload = (user: TestUser, content: Buffer, filename = 'file.bin', contentType?: string) =>
    testApp
      .api()
      .post('/uploads')
      .set(bearer(user))
      .attach('file', content, { filename, ...(contentType && { contentType }) });

  const uploaded = async (user: TestUser, content: Buffer, filename?: string) =>
    (await upload(user, content, filename).expect(201)).body as { id: string; size: number; thumbnail: boolean };

  const download = (user: TestUser, path: string) =>
    testApp
      .api()
      .get(path)
      .set(bearer(user))
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      });

  const send = (from: TestUser, to: TestUser, attachmentIds: string[], message?: string) =>
    testApp
      .api()
      .post('/send')
      .set(bearer(from))
      .send({ user_id: to.id, attachment_ids: attachmentIds, ...(message !== undefined && { message }) });

  /** Waits until the storage holds no object of `id` (deletes are swept moments after they commit). */
  async function expectGoneFromStorage(id: string): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      if (!(await storage.objects()).some((object) => object.includes(id))) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(
      `The storage still holds ${id}: ${(await storage.objects()).filter((o) => o.includes(id)).join(', ')}`,
    );
  }

  describe('upload', () => {
    it('strips a photo of its EXIF and GPS position, reads its size and makes a WebP thumbnail', async () => {
      const photo = await photoWithGps(640, 480);
      expect(await exifr.gps(photo)).toMatchObject({ latitude: expect.closeTo(48.857, 2) });
      const response = await upload(alice, photo, 'beach.jpg', 'image/jpeg').expect(201);
      expect(response.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        content_type: 'image/jpeg',
        size: expect.any(Number),
        name: 'beach.jpg',
        width: 640,
        height: 480,
        thumbnail: true,
      });
      const stored = (await download(alice, `/attachments/${response.body.id}`).expect(200)).body as Buffer;
      expect(stored.length).toBe(response.body.size);
      expect(await exifr.gps(stored)).toBeUndefined();
      expect((await sharp(stored).metadata()).exif).toBeUndefined();
      const thumbnail = await download(alice, `/attachments/${response.body.id}/thumbnail`).expect(200);
      expect(thumbnail.headers['content-type']).toBe('image/webp');
      const thumbnailMeta = await sharp(thumbnail.body as Buffer).metadata();
      expect([thumbnailMeta.format, thumbnailMeta.width, thumbnailMeta.height]).toEqual(['webp', 320, 240]);
    });

    it('decides the type from the content: a PNG named .pdf is a PNG, a script claiming image/png is plain text', async () => {
      const disguised = await upload(alice, await png(), 'report.pdf', 'application/pdf').expect(201);
      expect(disguised.body).toMatchObject({ content_type: 'image/png', name: 'report.pdf', thumbnail: true });
      const script = await upload(alice, Buffer.from('#!/bin/sh\nrm -rf /\n'), 'cat.png', 'image/png').expect(201);
      expect(script.body).toMatchObject({ content_type: 'text/plain', thumbnail: false });
      expect(script.body).not.toHaveProperty('width');
      const served = await download(alice, `/attachments/${script.body.id}`).expect(200);
      expect(served.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(served.headers['content-disposition']).toBe('attachment; filename=cat.png');
    });

    it('refuses content of a type that is not allowed with 415, and keeps nothing', async () => {
      const before = await storage.objects();
      const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120)]);
      const response = await upload(alice, elf, 'photo.jpg', 'image/jpeg').expect(415);
      expect(response.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
      expect(await storage.objects()).toEqual(before);
    });

    it('refuses a decompression bomb with 422 before decoding it', async () => {
      const bomb = decompressionBomb(50_000);
      expect(bomb.length).toBeLessThan(2_000);
      const response = await upload(alice, bomb, 'small.png').expect(422);
      expect(response.body.message).toMatch(/50000 × 50000 pixels/);
    });

    it('cuts a file over UPLOAD_MAX_BYTES off with 413 and keeps nothing, with or without a Content-Length', async () => {
      const before = await storage.objects();
      const temporaryBefore = (await readdir(tmpdir())).filter((name) => name.startsWith('parley-upload-'));
      await upload(alice, Buffer.alloc(MAX_BYTES + 1, 'a'), 'big.txt').expect(413);
      // Chunked: the server learns the size only as it reads, and stops where the limit is crossed.
      const { port } = new URL(sdk.baseUrl);
      const status = await new Promise<number>((resolve, reject) => {
        const boundary = 'parley-boundary';
        const request = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/uploads',
            headers: { ...bearer(alice), 'Content-Type': `multipart/form-data; boundary=${boundary}` },
          },
          (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          },
        );
        request.on('error', reject);
        request.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n\r\n`);
        for (let i = 0; i < 5; i++) request.write(Buffer.alloc(MAX_BYTES / 2, 'b'));
        request.end(`\r\n--${boundary}--\r\n`);
      });
      expect(status).toBe(413);
      expect(await storage.objects()).toEqual(before);
      const temporaryAfter = (await readdir(tmpdir())).filter((name) => name.startsWith('parley-upload-'));
      expect(temporaryAfter).toEqual(temporaryBefore);
    });

    it.each([
      ['a JSON body', (r: ReturnType<TestApp['api']>) => r.post('/uploads').send({ file: 'x' })],
      ['a field and no file', (r: ReturnType<TestApp['api']>) => r.post('/uploads').field('file', 'not a file')],
      [
        'two files',
        (r: ReturnType<TestApp['api']>) =>
          r.post('/uploads').attach('file', Buffer.from('one'), 'a.txt').attach('file', Buffer.from('two'), 'b.txt'),
      ],
      [
        'a part not named file',
        (r: ReturnType<TestApp['api']>) => r.post('/uploads').attach('photo', Buffer.from('x'), 'a.txt'),
      ],
      ['a name with ../', (r: ReturnType<TestApp['api']>) => rawPart(r, 'filename="../../etc/passwd"')],
      ['a name with NUL', (r: ReturnType<TestApp['api']>) => rawPart(r, 'filename="a\u0000.txt"')],
      ['a name that is a Windows path', (r: ReturnType<TestApp['api']>) => rawPart(r, 'filename="C:\\x\\a.txt"')],
      [
        'broken framing',
        (r: ReturnType<TestApp['api']>) =>
          r
            .post('/uploads')
            .set('Content-Type', 'multipart/form-data; boundary=xyz')
            .send('--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'),
      ],
      [
        'huge part headers',
        (r: ReturnType<TestApp['api']>) =>
          r
            .post('/uploads')
            .set('Content-Type', 'multipart/form-data; boundary=xyz')
            .send(
              `--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nX-Padding: ${'p'.repeat(200_000)}\r\n\r\nhello\r\n--xyz--\r\n`,
            ),
      ],
    ])('answers %s with 400 in the error shape', async (_case, build) => {
      const before = await storage.objects();
      const response = await build(testApp.api()).set(bearer(alice)).expect(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
      expect(await storage.objects()).toEqual(before);
    });
  });

  describe('send and download', () => {
    it('sends files with a message, in order, to both sides, with URLs; the text may be left out', async () => {
      const photo = await uploaded(alice, await photoWithGps(), 'a.jpg');
      const document = await uploaded(alice, pdf(), 'terms.pdf');
      const sent = await send(alice, bob, [document.id, photo.id]).expect(201);
      expect(sent.body.message).toBe('');
      expect(sent.body.attachments).toEqual([
        {
          id: document.id,
          content_type: 'application/pdf',
          size: document.size,
          name: 'terms.pdf',
          url: `/attachments/${document.id}`,
        },
        expect.objectContaining({
          id: photo.id,
          width: 640,
          height: 480,
          url: `/attachments/${photo.id}`,
          thumbnail_url: `/attachments/${photo.id}/thumbnail`,
        }),
      ]);
      const history = await testApp.api().get(`/chat/${alice.id}`).set(bearer(bob)).expect(200);
      expect(history.body.messages.at(-1).attachments).toEqual(sent.body.attachments);
      const chats = await testApp.api().get('/chat').set(bearer(bob)).expect(200);
      expect(
        chats.body.chats.find((chat: { user_id: number }) => chat.user_id === alice.id).last_message.attachments,
      ).toEqual(sent.body.attachments);
      const text = await send(
        alice,
        bob,
        [(await uploaded(alice, Buffer.from('notes'), 'n.txt')).id],
        'see notes',
      ).expect(201);
      expect(text.body).toMatchObject({
        message: 'see notes',
        attachments: [expect.objectContaining({ name: 'n.txt' })],
      });
      // The recipient's data export lists the files of the message, by id.
      const exported = await testApp.api().get('/current_user/export').set(bearer(bob)).expect(200);
      const exportedMessage = (
        JSON.parse(exported.text) as { messages: { id: number; attachments: unknown[] }[] }
      ).messages.find((m) => m.id === sent.body.id);
      expect(exportedMessage?.attachments).toEqual([
        { id: document.id, content_type: 'application/pdf', size: document.size, name: 'terms.pdf', thumbnail: false },
        expect.objectContaining({ id: photo.id, width: 640, height: 480, thumbnail: true }),
      ]);
      const plain = await testApp
        .api()
        .post('/send')
        .set(bearer(alice))
        .send({ user_id: bob.id, message: 'hi' })
        .expect(201);
      expect(plain.body.attachments).toEqual([]);
    });

    it('refuses another user’s upload and an unknown id (404), one already sent (409), more than 10 (400), and no text without files (400)', async () => {
      const bobs = await uploaded(bob, Buffer.from('bob'), 'b.txt');
      await send(alice, bob, [bobs.id]).expect(404);
      await send(alice, bob, ['00000000-0000-4000-8000-000000000000']).expect(404);
      const mine = await uploaded(alice, Buffer.from('once'), 'once.txt');
      await send(alice, bob, [mine.id]).expect(201);
      const again = await send(alice, carol, [mine.id]).expect(409);
      expect(again.body.message).toMatch(/already sent/);
      await send(
        alice,
        bob,
        Array.from({ length: 11 }, () => crypto.randomUUID()),
      ).expect(400);
      await send(alice, bob, []).expect(400);
      await send(alice, bob, ['not-a-uuid']).expect(400);
      // Nothing was sent by the refused requests: the recipient's history has the one message with "once.txt".
      const history = await testApp.api().get(`/chat/${alice.id}`).set(bearer(bob)).query({ limit: 200 }).expect(200);
      const withFiles = history.body.messages.filter((m: { attachments: { id: string }[] }) =>
        m.attachments.some((a) => a.id === mine.id || a.id === bobs.id),
      );
      expect(withFiles).toHaveLength(1);
    });

    it('lets only the uploader (before sending) and the two users of the conversation download; others get 404', async () => {
      const file = await uploaded(alice, Buffer.from('secret plan'), 'plan.txt');
      await download(alice, `/attachments/${file.id}`).expect(200);
      await download(bob, `/attachments/${file.id}`).expect(404);
      await send(alice, bob, [file.id]).expect(201);
      expect((await download(bob, `/attachments/${file.id}`).expect(200)).body.toString()).toBe('secret plan');
      const refused = await download(carol, `/attachments/${file.id}`).expect(404);
      expect(refused.body.toString()).not.toContain('secret');
      await download(carol, `/attachments/${file.id}/thumbnail`).expect(404);
      await download(bob, `/attachments/${file.id}/thumbnail`).expect(404);
      await download(bob, '/attachments/not-a-uuid').expect(400);
      await testApp.api().get(`/attachments/${file.id}`).expect(401);
      const session = await signupUser(testApp);
      const shared = await uploaded(session, Buffer.from('x'), 'x.txt');
      await testApp
        .api()
        .post('/logout')
        .set(bearer(session))
        .expect((r) => expect(r.status).toBeLessThan(300));
      await download(session, `/attachments/${shared.id}`).expect(401);
    });

    it('serves byte ranges, ETags and the headers that keep a file from running in the API’s origin', async () => {
      const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join(''));
      const file = await uploaded(alice, bytes, 'letters.txt');
      const full = await download(alice, `/attachments/${file.id}`).expect(200);
      expect(full.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'content-security-policy': "sandbox; default-src 'none'",
        'accept-ranges': 'bytes',
        'content-length': '1000',
        etag: `"${file.id}"`,
      });
      const part = await download(alice, `/attachments/${file.id}`).set('Range', 'bytes=10-19').expect(206);
      expect(part.headers['content-range']).toBe('bytes 10-19/1000');
      expect((part.body as Buffer).equals(bytes.subarray(10, 20))).toBe(true);
      const tail = await download(alice, `/attachments/${file.id}`).set('Range', 'bytes=-5').expect(206);
      expect((tail.body as Buffer).toString()).toBe(bytes.subarray(995).toString());
      const beyond = await download(alice, `/attachments/${file.id}`).set('Range', 'bytes=5000-6000').expect(416);
      expect(beyond.headers['content-range']).toBe('bytes */1000');
      await download(alice, `/attachments/${file.id}`).set('If-None-Match', `"${file.id}"`).expect(304);
      // If-Range with another validator: the whole file, not a piece of something else.
      await download(alice, `/attachments/${file.id}`).set('Range', 'bytes=0-1').set('If-Range', '"other"').expect(200);
      const image = await uploaded(alice, await png(), 'p.png');
      const served = await download(alice, `/attachments/${image.id}`).expect(200);
      expect(served.headers['content-disposition']).toBe('inline; filename=p.png');
      expect(served.headers['content-type']).toBe('image/png');
    });
  });

  describe('lifecycle', () => {
    it('a message deleted for everyone takes its files (and thumbnails) out of storage', async () => {
      const photo = await uploaded(alice, await png(), 'gone.png');
      const sent = await send(alice, bob, [photo.id]).expect(201);
      expect((await storage.objects()).filter((o) => o.includes(photo.id))).toHaveLength(2);
      await testApp.api().delete(`/messages/${sent.body.id}`).set(bearer(alice)).expect(204);
      await expectGoneFromStorage(photo.id);
      await download(bob, `/attachments/${photo.id}`).expect(404);
      const history = await testApp.api().get(`/chat/${alice.id}`).set(bearer(bob)).query({ limit: 200 }).expect(200);
      expect(history.body.messages.find((m: { id: number }) => m.id === sent.body.id).attachments).toEqual([]);
      expect(await testApp.query('SELECT count(*)::int AS n FROM attachments WHERE id = $1', [photo.id])).toEqual([
        { n: 0 },
      ]);
    });

    it('a moderator’s delete of a reported message takes its files out of storage too', async () => {
      const moderator = await signupModerator(testApp);
      const photo = await uploaded(carol, await png(), 'offensive.png');
      const sent = await send(carol, bob, [photo.id]).expect(201);
      const report = await testApp
        .api()
        .post('/reports')
        .set(bearer(bob))
        .send({ user_id: carol.id, message_id: sent.body.id, reason: 'harassment' })
        .expect(201);
      await testApp
        .api()
        .post(`/moderation/reports/${report.body.id}/resolve`)
        .set(bearer(moderator))
        .send({ action: 'delete_message' })
        .expect(200);
      await expectGoneFromStorage(photo.id);
      await download(bob, `/attachments/${photo.id}`).expect(404);
    });

    it('an account deletion takes every file the account uploaded, sent or not; files it received stay', async () => {
      const leaving = await signupUser(testApp);
      const sentFile = await uploaded(leaving, await png(), 'sent.png');
      const unsent = await uploaded(leaving, Buffer.from('draft'), 'draft.txt');
      await send(leaving, bob, [sentFile.id]).expect(201);
      const received = await uploaded(bob, Buffer.from('for you'), 'gift.txt');
      await send(bob, leaving, [received.id]).expect(201);
      await testApp.api().delete('/current_user').set(bearer(leaving)).send({ password: leaving.password }).expect(204);
      await expectGoneFromStorage(sentFile.id);
      await expectGoneFromStorage(unsent.id);
      expect((await storage.objects()).some((o) => o.includes(received.id))).toBe(true);
      await download(bob, `/attachments/${received.id}`).expect(200);
      await download(bob, `/attachments/${sentFile.id}`).expect(404);
    });

    it('the scheduled sweep deletes uploads never sent after UPLOAD_ORPHAN_HOURS, on the job queue', async () => {
      const orphan = await uploaded(alice, Buffer.from('forgotten'), 'forgotten.txt');
      const recent = await uploaded(alice, Buffer.from('just now'), 'recent.txt');
      await testApp.query(`UPDATE attachments SET created_at = now() - interval '25 hours' WHERE id = $1`, [orphan.id]);
      // The schedule is pg-boss's (one job a minute across instances); a job sent now runs the same handler.
      const schedules = await testApp.query('SELECT name, cron FROM pgboss.schedule WHERE name = $1', [
        ATTACHMENT_SWEEP_QUEUE,
      ]);
      expect(schedules).toEqual([{ name: ATTACHMENT_SWEEP_QUEUE, cron: '* * * * *' }]);
      await testApp.app.get(JobQueue).send(ATTACHMENT_SWEEP_QUEUE, {});
      await expectGoneFromStorage(orphan.id);
      await download(alice, `/attachments/${orphan.id}`).expect(404);
      await download(alice, `/attachments/${recent.id}`).expect(200);
    });

    it('an upload taken back before sending is erased; a sent one, or another user’s, cannot be', async () => {
      const draft = await uploaded(alice, await png(), 'draft.png');
      await testApp.api().delete(`/uploads/${draft.id}`).set(bearer(bob)).expect(404);
      await testApp.api().delete(`/uploads/${draft.id}`).set(bearer(alice)).expect(204);
      await expectGoneFromStorage(draft.id);
      await download(alice, `/attachments/${draft.id}`).expect(404);
      await send(alice, bob, [draft.id]).expect(404);
      await testApp.api().delete(`/uploads/${draft.id}`).set(bearer(alice)).expect(404);
      const sent = await uploaded(alice, Buffer.from('sent'), 'sent.txt');
      await send(alice, bob, [sent.id]).expect(201);
      await testApp.api().delete(`/uploads/${sent.id}`).set(bearer(alice)).expect(409);
      await download(bob, `/attachments/${sent.id}`).expect(200);
    });

    it('a blob whose upload died before its row is swept once its journal entry is due', async () => {
      // What a crash between the blob and the row leaves: the blob, and its key journaled (JOURNAL_BLOBS).
      const key = 'a/11111111-1111-4111-8111-111111111111';
      await testApp.app.get(BlobStorage).put(key, Readable.from([Buffer.from('half an upload')]), 14, 'text/plain');
      expect((await storage.objects()).some((o) => o.includes('11111111-1111-4111-8111-111111111111'))).toBe(true);
      await testApp.query(`INSERT INTO blob_sweep (key, due_at) VALUES ($1, now())`, [key]);
      await testApp.app.get(AttachmentSweeps).sweep();
      await expectGoneFromStorage('11111111-1111-4111-8111-111111111111');
      expect(await testApp.query('SELECT key FROM blob_sweep WHERE key = $1', [key])).toEqual([]);
    });
  });
});

describe('upload rate limits', () => {
  let testApp: TestApp;
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'parley-files-'));
    testApp = await createTestApp({
      env: { STORAGE_DIR: directory, RATE_LIMIT_UPLOADS_PER_USER: '3', RATE_LIMIT_UPLOAD_MIB_PER_USER: '4' },
    });
  });

  afterAll(async () => {
    await testApp.close();
    await rm(directory, { recursive: true, force: true });
  });

  const upload = (user: TestUser, content: Buffer) =>
    testApp.api().post('/uploads').set(bearer(user)).attach('file', content, 'file.txt');

  it('counts uploads per user: the one over RATE_LIMIT_UPLOADS_PER_USER is a 429 with Retry-After; others go on', async () => {
    const [busy, other] = [await signupUser(testApp), await signupUser(testApp)];
    for (let i = 0; i < 3; i++) await upload(busy, Buffer.from(`file ${i}`)).expect(201);
    const refused = await upload(busy, Buffer.from('one more')).expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    await upload(other, Buffer.from('mine')).expect(201);
  });

  it('counts bytes per user: what would pass RATE_LIMIT_UPLOAD_MIB_PER_USER is refused before a byte is stored', async () => {
    const heavy = await signupUser(testApp);
    // 2.5 MiB counts as 3 of the 4 MiB allowed, a small file as 1: the third upload is within the count (3) but
    // not within the bytes.
    await upload(heavy, Buffer.alloc(2.5 * 1024 * 1024, 'x')).expect(201);
    await upload(heavy, Buffer.from('small')).expect(201);
    await upload(heavy, Buffer.from('small')).expect(429);
  });
});
