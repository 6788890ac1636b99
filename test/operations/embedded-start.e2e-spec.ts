/*
 * Without DATABASE_URL, where the embedded PostgreSQL cannot run (as root its
 * server runs as user `postgres`, who cannot enter a directory only root may),
 * `npm start` exits 1 with one sentence naming the two ways out, not a stack
 * trace. As another user the same directory is made read-only, which fails
 * the same way.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('embedded PostgreSQL that cannot start', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'parley-locked-'));
    // mkdtemp makes it 0700 already: only its owner may enter. Not root: not even the owner may write.
    if (process.getuid?.() !== 0) await chmod(directory, 0o500);
  });

  afterAll(async () => {
    await chmod(directory, 0o700);
    await rm(directory, { recursive: true, force: true });
  });

  it('exits 1 with one sentence: what failed, and set DATABASE_URL or use a readable directory', async () => {
    const env: Record<string, string | undefined> = { ...process.env, EMBEDDED_PG_DIR: join(directory, 'pg') };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, ['dist/src/main.js'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));

    expect(code).toBe(1);
    const fatal = output
      .split('\n')
      .filter((line) => line.includes('"level":"fatal"'))
      .map((line) => JSON.parse(line) as { message: string });
    expect(fatal).toHaveLength(1);
    expect(fatal[0].message).toMatch(/^The embedded PostgreSQL could not start in /);
    expect(fatal[0].message).toContain('set DATABASE_URL to a PostgreSQL server');
    expect(fatal[0].message).toContain('run from a directory user `postgres` can read');
    expect(output).not.toMatch(/\n\s+at /);
  }, 60_000);
});
