/*
 * Writes src/events.gen.ts, the typed socket contract, from ../../asyncapi.json:
 * the same document the server builds from the event maps its gateway emits
 * through. Payload types are the OpenAPI components that openapi-ts generated
 * into src/generated/types.gen.ts (the AsyncAPI document takes its payload
 * schemas from them). `--check` fails when the committed file differs.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const OUTPUT = new URL('../src/events.gen.ts', import.meta.url);
const asyncapi = JSON.parse(readFileSync(new URL('../../../asyncapi.json', import.meta.url), 'utf8'));

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
const source = `// Generated from asyncapi.json by scripts/generate-events.mjs (npm run generate): do not edit.
import type { ${[...types].sort().join(', ')} } from './generated/types.gen.js';

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

if (process.argv.includes('--check')) {
  if (readFileSync(OUTPUT, 'utf8') !== source) {
    console.error('src/events.gen.ts is out of date with asyncapi.json: run `npm run openapi` and commit it');
    process.exit(1);
  }
  console.log('src/events.gen.ts matches asyncapi.json');
} else {
  writeFileSync(OUTPUT, source);
}
