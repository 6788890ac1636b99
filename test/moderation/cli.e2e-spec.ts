/*
 * The operator CLI (src/cli.ts), run as an operator runs it: the built script in a child process against
 * DATABASE_URL. A granted role holds from the user's next request on the token they already have.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { bearer, signupUser } from '../support/factories.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const CLI = 'dist/src/cli.js';

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

describe('npm run cli -- moderator', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(async () => {
    await testApp.close();
  });

  const cli = async (...args: string[]): Promise<Outcome> => {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
        env: { ...process.env, DATABASE_URL: testApp.database.url },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const { code, stdout, stderr } = error as Outcome;
      return { code, stdout, stderr };
    }
  };

  const roleOf = async (id: number) => (await testApp.query('SELECT role FROM users WHERE id = $1', [id]))[0].role;

  it('grant makes a user a moderator (any case of the name), and their open session sees it at once', async () => {
    const user = await signupUser(testApp);
    await testApp.api().get('/moderation/reports').set(bearer(user)).expect(403);

    const granted = await cli('moderator', 'grant', user.username.toUpperCase());
    expect(granted).toEqual({ code: 0, stdout: `${user.username} is now a moderator\n`, stderr: '' });
    expect(await roleOf(user.id)).toBe('moderator');
    await testApp.api().get('/moderation/reports').set(bearer(user)).expect(200);

    const revoked = await cli('moderator', 'revoke', user.username);
    expect(revoked).toEqual({ code: 0, stdout: `${user.username} is no longer a moderator\n`, stderr: '' });
    expect(await roleOf(user.id)).toBe('user');
    await testApp.api().get('/moderation/reports').set(bearer(user)).expect(403);
  });

  it('exits 1 with a message for an unknown username, and for a wrong command', async () => {
    const unknown = await cli('moderator', 'grant', 'nobody_by_this_name');
    expect(unknown).toEqual({ code: 1, stdout: '', stderr: 'No user is named nobody_by_this_name\n' });
    for (const args of [[], ['moderator'], ['moderator', 'promote', 'x'], ['admin', 'grant', 'x']]) {
      const wrong = await cli(...args);
      expect([args, wrong.code, wrong.stderr]).toEqual([args, 1, expect.stringContaining('usage: npm run cli')]);
    }
  });
});
