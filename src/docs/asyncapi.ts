/*
 * The AsyncAPI 3 document of the socket events, built from the same names and
 * maps the gateway emits with (src/realtime/events.ts); payload schemas are
 * the OpenAPI document's components, so REST and sockets describe one
 * MessageDto. Written to asyncapi.json beside openapi.json, served at
 * /docs/events.json.
 */
import type { OpenAPIObject } from '@nestjs/swagger';
import { CLIENT_EVENT_DOCS, CLIENT_EVENTS, SERVER_EVENT_DOCS, SERVER_EVENTS } from '../realtime/events.js';

type Json = Record<string, unknown>;

/**
 * OpenAPI 3.0 schemas to AsyncAPI's (JSON Schema draft 7): `nullable` becomes a
 * `null` type, and references point at the AsyncAPI document's components.
 */
function toJsonSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toJsonSchema);
  if (!value || typeof value !== 'object') return value;
  const { nullable, ...rest } = value as Json;
  const converted = Object.fromEntries(Object.entries(rest).map(([key, child]) => [key, toJsonSchema(child)]));
  if (nullable === true && typeof converted.type === 'string') converted.type = [converted.type, 'null'];
  if (nullable === true && Array.isArray(converted.enum)) converted.enum = [...(converted.enum as unknown[]), null];
  return converted;
}

/** The schemas the events use, and those they reference, taken from the OpenAPI document. */
function schemasFor(openapi: OpenAPIObject, names: string[]): Record<string, unknown> {
  const all = openapi.components?.schemas ?? {};
  const picked = new Set<string>();
  const pending = [...names];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (picked.has(name)) continue;
    if (!(name in all)) throw new Error(`The OpenAPI document has no schema ${name}`);
    picked.add(name);
    for (const [, ref] of JSON.stringify(all[name]).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) pending.push(ref);
  }
  return Object.fromEntries([...picked].sort().map((name) => [name, toJsonSchema(all[name])]));
}

const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const channelMessage = (name: string) => ({ $ref: `#/channels/live/messages/${name}` });
const ACK_MESSAGES = { 'ack.ok': 'AckOkDto', 'ack.error': 'ErrorResponseDto' };

export function buildAsyncApiDocument(openapi: OpenAPIObject): Json {
  const serverEvents = Object.values(SERVER_EVENTS);
  const clientEvents = Object.values(CLIENT_EVENTS);
  const messages: Record<string, Json> = {};
  for (const event of serverEvents) {
    messages[`server.${event}`] = {
      name: event,
      title: event,
      summary: SERVER_EVENT_DOCS[event].to,
      payload: schemaRef(SERVER_EVENT_DOCS[event].payload),
    };
  }
  for (const event of clientEvents) {
    messages[`client.${event}`] = {
      name: event,
      title: event,
      summary: CLIENT_EVENT_DOCS[event].about,
      payload: schemaRef(CLIENT_EVENT_DOCS[event].payload),
    };
  }
  for (const [name, payload] of Object.entries(ACK_MESSAGES)) {
    messages[name] = {
      name,
      summary: 'The acknowledgement of a client event: {ok: true}, or the API error shape (400, 404, 429).',
      payload: schemaRef(payload),
    };
  }
  const operations: Record<string, Json> = {};
  for (const event of serverEvents) {
    operations[`receive.${event}`] = {
      action: 'receive',
      summary: SERVER_EVENT_DOCS[event].to,
      channel: { $ref: '#/channels/live' },
      messages: [channelMessage(`server.${event}`)],
    };
  }
  for (const event of clientEvents) {
    operations[`send.${event}`] = {
      action: 'send',
      summary: CLIENT_EVENT_DOCS[event].about,
      channel: { $ref: '#/channels/live' },
      messages: [channelMessage(`client.${event}`)],
      reply: { channel: { $ref: '#/channels/live' }, messages: Object.keys(ACK_MESSAGES).map(channelMessage) },
    };
  }
  const payloadSchemas = Object.values(messages).map((message) => {
    const ref = (message.payload as { $ref: string }).$ref;
    return ref.slice(ref.lastIndexOf('/') + 1);
  });
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Parley live updates',
      version: openapi.info.version,
      description:
        'Socket.IO (WebSocket transport only) on the API port, default path /socket.io, default namespace. ' +
        'Authenticate with the session token in the handshake (`auth: { token }` or `Authorization: Bearer`); ' +
        'a refusal is a connect_error whose data is the API error shape (401). Writes stay REST.',
    },
    defaultContentType: 'application/json',
    servers: {
      api: {
        host: 'localhost:3000',
        protocol: 'ws',
        pathname: '/socket.io',
        description: 'The API server itself (Socket.IO, Engine.IO protocol 4)',
        security: [{ $ref: '#/components/securitySchemes/token' }],
      },
    },
    channels: {
      live: {
        address: '/',
        title: 'The default namespace',
        description: 'Events for the authenticated user, delivered to the rooms user:{id} and session:{id}.',
        messages: Object.fromEntries(
          Object.entries(messages).map(([name]) => [name, { $ref: `#/components/messages/${name}` }]),
        ),
      },
    },
    operations,
    components: {
      messages,
      schemas: schemasFor(openapi, payloadSchemas),
      securitySchemes: {
        token: {
          type: 'httpApiKey',
          name: 'Authorization',
          in: 'header',
          description: 'Bearer <token>, or auth.token in the handshake',
        },
      },
    },
  };
}
