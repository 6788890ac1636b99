/*
 * The package as a user gets it: `npm pack` (prepack builds it), unpacked into a CommonJS project, then
 * loaded with require() in Node, with import in Node, and with require() from a Jest test under Jest's
 * default configuration (which cannot load ES modules). Also checks the tarball: both builds, and source
 * maps that carry their sources. Run by `npm run sdk`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const REPOSITORY = join(PACKAGE, '../..');
// Under the repository, so the consumer finds socket.io-client in its node_modules without a registry.
const CONSUMER = join(REPOSITORY, '.data/sdk-package');
const JEST = join(REPOSITORY, 'node_modules/jest/bin/jest.js');

const run = (command, args, options = {}) =>
  execFileSync(command, args, { cwd: CONSUMER, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
const fail = (message) => {
  console.error(`check:package: ${message}`);
  process.exit(1);
};

rmSync(CONSUMER, { recursive: true, force: true });
const unpacked = join(CONSUMER, 'node_modules/@parley/client');
mkdirSync(unpacked, { recursive: true });
const [{ filename, files }] = JSON.parse(
  run('npm', ['pack', '--json', '--pack-destination', CONSUMER], {
    cwd: PACKAGE,
    stdio: ['ignore', 'pipe', 'inherit'],
  }),
);
run('tar', ['-xzf', filename, '-C', unpacked, '--strip-components=1']);

const shipped = files.map((file) => file.path);
for (const needed of [
  'package.json',
  'dist/index.js',
  'dist/index.d.ts',
  'dist/cjs/index.js',
  'dist/cjs/package.json',
]) {
  if (!shipped.includes(needed)) fail(`the tarball lacks ${needed}`);
}
for (const map of shipped.filter((file) => file.endsWith('.js.map'))) {
  const { sources, sourcesContent } = JSON.parse(readFileSync(join(unpacked, map), 'utf8'));
  if (sourcesContent?.length !== sources.length) fail(`${map} points at sources the package does not contain`);
}

writeFileSync(join(CONSUMER, 'package.json'), '{ "name": "cjs-consumer", "private": true }\n');
const probe = `typeof createClient === 'function' && typeof sendMessage === 'function' && typeof connectLive === 'function'`;
const required = run('node', [
  '-e',
  `const { createClient, sendMessage, connectLive } = require('@parley/client');
   console.log(${probe}, require('@parley/client/package.json').name);`,
]);
if (required.trim() !== 'true @parley/client') fail(`require() from a CommonJS project gave: ${required}`);
const imported = run('node', [
  '--input-type=module',
  '-e',
  `import { createClient, sendMessage, connectLive } from '@parley/client'; console.log(${probe});`,
]);
if (imported.trim() !== 'true') fail(`import from Node gave: ${imported}`);

// A Jest test as a CommonJS project writes it: no ESM flags, no transform settings.
writeFileSync(
  join(CONSUMER, 'client.test.js'),
  `const { createClient, listChats } = require('@parley/client');

test('calls the API through the CommonJS build', async () => {
  const requests = [];
  const fetch = async (request) => {
    const url = new URL(request.url);
    requests.push([url.origin + url.pathname, url.searchParams.get('limit'), request.headers.get('authorization')]);
    return Response.json({ chats: [], next_cursor: null });
  };
  const client = createClient({ baseUrl: 'http://parley.test', auth: 'token-1', fetch });
  const { data } = await listChats({ client, query: { limit: 5 }, throwOnError: true });
  expect(data).toEqual({ chats: [], next_cursor: null });
  expect(requests).toEqual([['http://parley.test/chat', '5', 'Bearer token-1']]);
});
`,
);
try {
  run('node', [JEST, '--ci', '--config', '{}', '--rootDir', CONSUMER], { stdio: ['ignore', 'pipe', 'pipe'] });
} catch (error) {
  fail(`Jest (default configuration) could not use the package:\n${error.stdout}${error.stderr}`);
}
console.log(`${filename}: ${shipped.length} files; require(), import and a default Jest setup all load it`);
