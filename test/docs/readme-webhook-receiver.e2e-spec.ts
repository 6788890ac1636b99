/*
 * The README's webhook receiver ("Reach people offline"), run as a reader runs it: the code block saved as an ES
 * module in this clone and started with `node`, on its own port instead of 4000. A reader who copies it gets a
 * receiver that prints each signed event, and refuses what is not signed with the secret.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { findFreePort } from '../../src/database/embedded-postgres.js';
import { sendMessage, signupUser } from '../support/factories.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const WAIT_MS = 20_000;

/** The first ```js block of the README section `heading`. */
async function readmeCode(heading: string): Promise<string> {
  const readme = await readFile('README.md', 'utf8');
  const section = readme.slice(readme.indexOf(heading));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error(`no js block under ${heading} in README.md`);
  return code;
}

describe("the README's webhook receiver", () => {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  let receiver: ChildProcess;
  let output = '';
  let testApp: TestApp;
  let port: number;

  beforeAll(async () => {
    const code = await readmeCode('## Reach people offline');
    expect(code).toContain('.listen(4000');
    port = await findFreePort();
    // Inside the clone (test-output/ is git-ignored), so `standardwebhooks` resolves as it does for the reader.
    await mkdir('test-output', { recursive: true });
    const file = 'test-output/receiver.mjs';
    await writeFile(file, code.replace('.listen(4000', `.listen(${port}`));
    receiver = spawn(process.execPath, [file], { env: { ...process.env, WEBHOOK_SECRET: secret } });
    receiver.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    receiver.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitForOutput('listening on');
    testApp = await createTestApp({
      env: { WEBHOOK_URLS: `http://127.0.0.1:${port}`, WEBHOOK_SECRET: secret, WEBHOOK_RETRY_DELAY_SECONDS: '1' },
    });
  });

  afterAll(async () => {
    receiver.kill();
    await testApp.close();
  });

  async function waitForOutput(text: string): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!output.includes(text)) {
      if (Date.now() > deadline) throw new Error(`the receiver never printed ${text}; it printed:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('prints each event Parley sends it, with its webhook-id', async () => {
    const [user1, user2] = [await signupUser(testApp), await signupUser(testApp)];
    const message = await sendMessage(testApp, user1, user2, 'Hello, user_2');
    await waitForOutput(`message.created {"id":${message.id},`);
    expect(output).toMatch(new RegExp(`^msg_\\d+ user\\.created \\{"user_id":${user2.id},`, 'm'));
    expect(output).not.toContain('rejected');
  });

  it('refuses a request not signed with the secret', async () => {
    const response = await fetch(`http://127.0.0.1:${port}`, {
      method: 'POST',
      headers: {
        'webhook-id': 'msg_forged',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': 'v1,Zm9yZ2Vk',
      },
      body: JSON.stringify({ type: 'message.created', timestamp: new Date().toISOString(), data: {} }),
    });
    expect(response.status).toBe(400);
    await waitForOutput('rejected:');
  });
});
