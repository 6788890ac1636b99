/*
 * The operator's command line, beside main.ts and built with the app:
 *
 *   npm run cli -- moderator grant <username>
 *   npm run cli -- moderator revoke <username>
 *   npm run cli -- webhooks replay-failed
 *
 * It changes the database directly; there is no HTTP route that grants a role. The database is DATABASE_URL's,
 * or else the embedded server's in EMBEDDED_PG_DIR, found the way PostgreSQL itself records it: a running server
 * writes its pid and port to postmaster.pid in its data directory. If that server is up (`npm start` is running),
 * the CLI connects to it; if not, it starts the server on that directory for the one update, then stops it.
 * A role takes effect on the user's next request: every request reads it with the session (AUTHENTICATE).
 * A replay moves every webhook event kept as failed (after WEBHOOK_RETRY_HOURS) back into the webhook queue, where
 * the running service delivers it again with a fresh round of retries, under the same webhook-id.
 */
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import type { UserRole } from './common/caller/auth-user.js';
import { validateEnvironment } from './config/environment.js';
import { embeddedPostgresFailure } from './database/embedded-postgres-errors.js';
import { reportPgErrors } from './database/pg-errors.js';
import { runPrepared } from './database/prepared-statements.js';
import { SET_ROLE } from './moderation/moderation.queries.js';
import { WEBHOOK_FAILED_QUEUE } from './notifications/notification-queues.js';
import { JobQueue } from './queue/job-queue.js';

const USAGE = 'usage: npm run cli -- moderator grant|revoke <username>\n       npm run cli -- webhooks replay-failed';
const ROLES: Record<string, UserRole> = { grant: 'moderator', revoke: 'user' };
// The embedded server's credentials and database (src/database/embedded-postgres.ts).
const embeddedUrl = (port: number) => `postgres://postgres:postgres@127.0.0.1:${port}/parley`;

class CliError extends Error {}

/** The port of the server running on `dataDir`, from its postmaster.pid (line 4), or undefined if none runs. */
function runningPort(dataDir: string): number | undefined {
  const pidFile = resolve(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pid, , , port] = readFileSync(pidFile, 'utf8').split('\n');
  try {
    process.kill(Number(pid), 0);
  } catch (error) {
    // EPERM: it runs, as another user (as root, embedded-postgres runs the server as `postgres`).
    if ((error as { code?: string }).code !== 'EPERM') return undefined; // a stale file: the server is down
  }
  return Number(port);
}

/** Runs `work` against the service's database, starting the embedded server for it if it is down. */
async function withDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const env = validateEnvironment(process.env);
  if (env.DATABASE_URL) return work(env.DATABASE_URL);
  const dataDir = env.EMBEDDED_PG_DIR;
  if (!existsSync(resolve(dataDir, 'PG_VERSION'))) {
    throw new CliError(`No database in ${resolve(dataDir)}: set DATABASE_URL, or start Parley once (npm start)`);
  }
  const port = runningPort(dataDir);
  if (port) return work(embeddedUrl(port));
  let embedded;
  try {
    const { startEmbeddedPostgres } = await import('./database/embedded-postgres.js');
    embedded = await startEmbeddedPostgres(dataDir);
  } catch (error) {
    throw embeddedPostgresFailure(error, dataDir);
  }
  try {
    return await work(embedded.url);
  } finally {
    await embedded.stop();
  }
}

async function setRole(username: string, role: UserRole): Promise<string> {
  return withDatabase(async (url) => {
    const pool = reportPgErrors(new pg.Pool({ connectionString: url, max: 1 }));
    try {
      const [row] = await runPrepared(pool, SET_ROLE, [username, role]);
      if (!row) throw new CliError(`No user is named ${username}`);
      return row.username;
    } finally {
      await pool.end();
    }
  });
}

/** Moves the failed webhook events back to their queue, every one (pg-boss moves up to 1000 a call). */
async function replayFailedWebhooks(): Promise<number> {
  return withDatabase(async (url) => {
    const queue = new JobQueue();
    await queue.start(url, []);
    try {
      let replayed = 0;
      for (;;) {
        const moved = await queue.redrive(WEBHOOK_FAILED_QUEUE);
        if (moved === 0) return replayed;
        replayed += moved;
      }
    } catch (error) {
      throw new CliError(
        `No failed webhook events to replay here (${error instanceof Error ? error.message : String(error)})`,
      );
    } finally {
      await queue.onModuleDestroy();
    }
  });
}

async function main(args: string[]): Promise<void> {
  if (args[0] === 'webhooks') {
    if (args[1] !== 'replay-failed' || args.length > 2) throw new CliError(USAGE);
    const replayed = await replayFailedWebhooks();
    console.log(`${replayed} failed webhook event(s) moved back to the webhook queue`);
    return;
  }
  const [command, verb, username, ...rest] = args;
  const role = ROLES[verb];
  if (command !== 'moderator' || !role || !username || rest.length > 0) throw new CliError(USAGE);
  const name = await setRole(username, role);
  console.log(role === 'moderator' ? `${name} is now a moderator` : `${name} is no longer a moderator`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
