import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { REALTIME_MODELS } from '../realtime/dto/realtime-events.dto.js';
import { buildAsyncApiDocument } from './asyncapi.js';
import { addRouteResponses, routeFacts } from './route-responses.js';
import { addValidationRules } from './validation-rules.js';

/** The controllers' tags (@ApiTags), declared with what each holds: generated clients and docs group by them. */
const TAGS: Record<string, string> = {
  auth: 'Accounts and sessions: sign up, log in, log out, change the password',
  users: 'Who else is here, and who you are',
  messages: 'Sending messages',
  attachments: 'Files in conversations: upload one, send it with a message, download it (only the two users can)',
  chats: 'Conversations: the chat list, history, read receipts and the catch-up after a reconnect',
  search: 'Finding messages again, only ever in your own conversations',
  blocks: 'Blocking: a user protects themselves from another; nobody else is told',
  reports: 'Reporting a user, or one of their messages, to the moderators',
  push: 'Web Push: the server key browsers subscribe with, and each browser’s subscription',
  moderation: 'For moderators only: the report queue, its decisions and suspensions',
  health: 'Probes for monitors and orchestrators; they need no token',
};

/** Where `npm start` and `docker compose up` serve the API; /docs-json names the host it was fetched from instead. */
const DEFAULT_SERVER_URL = 'http://localhost:3000';

/** The REST API: the routes and the schemas they use (the socket payloads are the AsyncAPI document's). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  return withoutUnusedSchemas(buildDocumentWithEventModels(app));
}

/** The socket events (AsyncAPI 3), whose payloads share the REST schemas (MessageDto, ErrorResponseDto). */
export function buildEventsDocument(app: INestApplication): ReturnType<typeof buildAsyncApiDocument> {
  return buildAsyncApiDocument(buildDocumentWithEventModels(app));
}

/**
 * Keeps the component schemas the paths reach, directly or through other schemas: a linter (Redocly's
 * no-unused-components, Spectral's oas3-unused-component) flags any other, and a client generated from the
 * REST spec has no use for them.
 */
function withoutUnusedSchemas(document: OpenAPIObject): OpenAPIObject {
  const schemas = document.components?.schemas ?? {};
  const referenced = (value: unknown) =>
    [...JSON.stringify(value).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map(([, name]) => name);
  const used = new Set<string>();
  for (let pending = referenced(document.paths), name = pending.pop(); name; name = pending.pop()) {
    if (used.has(name)) continue;
    used.add(name);
    pending.push(...referenced(schemas[name]));
  }
  document.components!.schemas = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  return document;
}

function buildDocumentWithEventModels(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Parley')
    .setDescription(
      'One-to-one chat. Sign up or log in to get a token, then send it as `Authorization: Bearer <token>`. ' +
        'Every error has the ErrorResponseDto shape.',
    )
    .setVersion('1.0.0')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    // 3.0.3, not 3.1: @nestjs/swagger writes 3.0 schemas (`nullable: true`), which are not valid 3.1.
    .setOpenAPIVersion('3.0.3')
    .addServer(DEFAULT_SERVER_URL, 'npm start or docker compose up on this machine')
    // Tokens are opaque random strings, not JWTs: leave out the bearerFormat DocumentBuilder defaults to.
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: undefined,
      // The legacy `token` query parameter is accepted but not declared as a scheme (route-responses.ts says why).
      description:
        'The opaque token from /signup or /login. Clients of the original service may still send it as a `token` ' +
        'query parameter (or a `token` field of a JSON body); prefer this header: URLs end up in logs.',
    })
    .build();
  config.tags = Object.entries(TAGS).map(([name, description]) => ({ name, description }));
  const document = SwaggerModule.createDocument(app, config, {
    // The handler's name is the operationId (`sendMessage`, `listChats`): stable, and readable in generated clients.
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
    // The socket events' payloads, used by no route: documented here so the AsyncAPI document and clients share them.
    extraModels: REALTIME_MODELS,
  });
  const facts = routeFacts(app);
  const dtos = new Map([...facts].map(([operationId, route]) => [operationId, route.parameterTypes]));
  return addValidationRules(addRouteResponses(document, facts), dtos);
}
