/*
 * Writes src/events.gen.ts, the typed socket contract, from ../../asyncapi.json:
 * the same document the server builds from the event maps its gateway emits
 * through. Payload types come from the AsyncAPI document's own schemas, which
 * openapi-ts turns into src/generated-events/ (openapi.json holds only what the
 * routes use, so the socket payloads are not there). `--check` fails when a
 * committed file differs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createClient } from '@hey-api/openapi-ts';

const check = process.argv.includes('--check');
const OUTPUT = new URL('../src/events.gen.ts', import.meta.url);
const PAYLOAD_TYPES = fileURLToPath(new URL('../src/generated-events', import.meta.url));
const SCRATCH = fileURLToPath(new URL('../../../.data/', import.meta.url));
const asyncapi = JSON.parse(readFileSync(new URL('../../../asyncapi.json', import.meta.url), 'utf8'));
const openapi = JSON.parse(readFileSync(new URL('../../../openapi.json', import.meta.url), 'utf8'));

// The payload schemas are JSON Schema (AsyncAPI 3), as OpenAPI 3.1 schemas are: a document of schemas only.
mkdirSync(SCRATCH, { recursive: true });
const schemasOnly = `${SCRATCH}events-openapi.json`;
writeFileSync(
  schemasOnly,
  JSON.stringify({
    openapi: '3.1.0',
    info: { title: 'Parley socket payloads', version: asyncapi.info.version },
    paths: {},
    components: { schemas: asyncapi.components.schemas },
  }),
);
const typesOutput = check ? `${SCRATCH}events-check` : PAYLOAD_TYPES;
rmSync(typesOutput, { recursive: true, force: true });
await createClient({
  input: schemasOnly,
  output: typesOutput,
  plugins: ['@hey-api/typescript'],
  logs: { level: 'silent' },
});
if (check) {
  try {
    execFileSync('diff', ['-r', PAYLOAD_TYPES, typesOutput], { stdio: 'inherit' });
  } catch {
    console.error('src/generated-events is out of date with asyncapi.json: run `npm run openapi` and commit it');
    process.exit(1);
  }
}

const lastSegment = (ref) => ref.split('/').at(-1);
/** A channel message reference, resolved to its component message. */
const messageOf = (ref) => {
  const channelMessage = ref.split('/').reduce((node, key) => (key === '#' ? asyncapi : node[key]), null);
  return asyncapi.components.messages[lastSegment(channelMessage.$ref ?? ref)];
};
const payloadType = (message) => lastSegment(message.payload.$ref);
const comment = (text) => `  /** ${text.replaceAll('*/', '*\\/')} */`;

const serverEvents = [];
const clientEvents = [];
const types = new Set();
for (const operation of Object.values(asyncapi.operations).sort((a, b) => a.summary.localeCompare(b.summary))) {
  const message = messageOf(operation.messages[0].$ref);
  types.add(payloadType(message));
  if (operation.action === 'receive') {
    serverEvents.push([
      message.name,
      comment(operation.summary),
      `  '${message.name}': (payload: ${payloadType(message)}) => void;`,
    ]);
  } else {
    const replies = operation.reply.messages.map((reply) => payloadType(messageOf(reply.$ref)));
    replies.forEach((reply) => types.add(reply));
    clientEvents.push([
      message.name,
      comment(operation.summary),
      `  '${message.name}': (payload: ${payloadType(message)}, ack: (answer: ${replies.join(' | ')}) => void) => void;`,
    ]);
  }
}
const byName = (a, b) => a[0].localeCompare(b[0]);
// The payload types the REST types (exported from generated/) do not already name, for apps to annotate with.
const eventOnly = Object.keys(asyncapi.components.schemas)
  .filter((name) => !(name in openapi.components.schemas))
  .sort();
const source = `// Generated from asyncapi.json by scripts/generate-events.mjs (npm run generate): do not edit.
import type { ${[...types].sort().join(', ')} } from './generated-events/types.gen.js';

export type { ${eventOnly.join(', ')} } from './generated-events/types.gen.js';

/** What the server emits: \`socket.on(name, (payload) => …)\`. */
export interface ServerToClientEvents {
${serverEvents
  .sort(byName)
  .flatMap(([, doc, line]) => [doc, line])
  .join('\n')}
}

/** What a client may emit, each answered through its acknowledgement: \`socket.emit(name, payload, (answer) => …)\`. */
export interface ClientToServerEvents {
${clientEvents
  .sort(byName)
  .flatMap(([, doc, line]) => [doc, line])
  .join('\n')}
}
`;

if (check) {
  if (readFileSync(OUTPUT, 'utf8') !== source) {
    console.error('src/events.gen.ts is out of date with asyncapi.json: run `npm run openapi` and commit it');
    process.exit(1);
  }
  console.log('src/events.gen.ts matches asyncapi.json');
} else {
  writeFileSync(OUTPUT, source);
}
