/*
 * Starts one embedded PostgreSQL for the whole e2e run when no
 * TEST_DATABASE_URL or DATABASE_URL is given. Plain JavaScript loading the
 * compiled helper from dist/ (npm test builds first): Jest runs this file
 * outside its module system, where the TypeScript sources cannot be imported.
 */
import { existsSync } from 'node:fs';

const HELPER = new URL('../../dist/src/database/embedded-postgres.js', import.meta.url);

export default async function globalSetup() {
  if (process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL) return;
  if (!existsSync(HELPER)) throw new Error('dist/ is missing: run `npm run build` (npm test does it for you)');
  const { startEmbeddedPostgres } = await import(HELPER.href);
  const embedded = await startEmbeddedPostgres(process.env.TEST_EMBEDDED_PG_DIR ?? '.data/postgres-test');
  process.env.TEST_DATABASE_URL = embedded.url;
  globalThis.stopEmbeddedPostgres = embedded.stop;
}
