/* The spec is a product: frontend teams generate clients from /docs-json. */
import { readFileSync } from 'node:fs';
import { createTestApp, type TestApp } from './support/test-app.js';

interface Schema {
  type?: string;
  format?: string;
  nullable?: boolean;
  default?: unknown;
  description?: string;
  properties?: Record<string, Schema>;
}

interface Operation {
  operationId?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; schema: Schema }[];
  requestBody?: { required?: boolean };
  responses: Record<
    string,
    {
      headers?: Record<string, { schema: Schema; $ref?: string }>;
      content?: Record<string, { schema: { $ref?: string }; example?: Record<string, unknown> }>;
    }
  >;
}

/*
 * Schemas as the build writes them: ts-jest runs the app without the Swagger CLI plugin, which fills in
 * the DTOs' properties, and `npm run openapi:check` proves this file is what the built code serves.
 */
const committed = JSON.parse(readFileSync('openapi.json', 'utf8'));

/** Every schema in the document with where it sits, for rules that hold everywhere. */
function schemasIn(value: unknown, path = '#'): [string, Schema][] {
  if (!value || typeof value !== 'object') return [];
  const own: [string, Schema][] = 'type' in value ? [[path, value as Schema]] : [];
  return own.concat(Object.entries(value).flatMap(([key, child]) => schemasIn(child, `${path}/${key}`)));
}

describe('OpenAPI document at /docs-json', () => {
  let testApp: TestApp;
  let spec: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a JSON document, asserted on
  let operations: [string, Operation][];

  beforeAll(async () => {
    testApp = await createTestApp();
    spec = (await testApp.api().get('/docs-json').expect(200)).body;
    operations = Object.entries(spec.paths as Record<string, Record<string, Operation>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(
        ([method, operation]) => [`${method.toUpperCase()} ${path}`, operation] as [string, Operation],
      ),
    );
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('documents every route of the contract with a stable operationId', () => {
    expect(Object.fromEntries(operations.map(([route, op]) => [route, op.operationId]))).toEqual(
      expect.objectContaining({
        'POST /signup': 'signup',
        'POST /login': 'login',
        'POST /logout': 'logout',
        'GET /users': 'listUsers',
        'GET /current_user': 'getCurrentUser',
        'POST /send': 'sendMessage',
        'POST /send_to_all': 'sendToAll',
        'GET /chat': 'listChats',
        'GET /chat/{user_id}': 'getChatHistory',
        'POST /read/{user_id}': 'markChatRead',
        'GET /health': 'checkHealth',
        'GET /health/live': 'checkLiveness',
        'GET /health/ready': 'checkReadiness',
        'POST /reports': 'createReport',
        'GET /moderation/reports': 'listReports',
        'POST /moderation/reports/{id}/resolve': 'resolveReport',
        'POST /moderation/users/{id}/unsuspend': 'unsuspendUser',
      }),
    );
    const operationIds = operations.map(([, op]) => op.operationId);
    expect(new Set(operationIds).size).toBe(operationIds.length);
  });

  it('puts the moderator-only routes under their own tag, each with its 403; reporting is for everyone', () => {
    const moderation = operations.filter(([route]) => route.includes(' /moderation/'));
    expect(moderation.map(([route]) => route).sort()).toEqual([
      'GET /moderation/reports',
      'POST /moderation/reports/{id}/resolve',
      'POST /moderation/users/{id}/unsuspend',
    ]);
    for (const [route, op] of moderation) {
      expect([route, op.tags, op.responses['403']?.content?.['application/json']?.example]).toEqual([
        route,
        ['moderation'],
        { statusCode: 403, error: 'Forbidden', message: 'Only moderators can do this' },
      ]);
    }
    expect(operations.filter(([, op]) => op.tags?.includes('moderation'))).toHaveLength(3);
    expect(operation('POST /reports').tags).toEqual(['reports']);
    expect(operation('POST /reports').responses['403']).toBeUndefined();
  });

  it('marks every route but signup, login and health as needing the bearer token', () => {
    const open = operations.filter(([, op]) => !op.security?.some((s) => 'bearer' in s)).map(([route]) => route);
    expect(open.sort()).toEqual([
      'GET /health',
      'GET /health/live',
      'GET /health/ready',
      'GET /push/vapid-public-key',
      'POST /login',
      'POST /signup',
    ]);
  });

  it('types every error response as ErrorResponseDto', () => {
    for (const [route, op] of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        expect([route, status, response.content?.['application/json']?.schema.$ref]).toEqual([
          route,
          status,
          '#/components/schemas/ErrorResponseDto',
        ]);
      }
    }
  });

  const operation = (route: string) => operations.find(([name]) => name === route)![1];
  const schema = (name: string) => committed.components.schemas[name] as Schema;

  it('leaves every query parameter with a default optional, so listChats({}) type-checks', () => {
    const withDefault = operations.flatMap(([route, op]) =>
      (op.parameters ?? []).filter((p) => p.schema.default !== undefined).map((p) => [route, p.name, p.required]),
    );
    expect(withDefault).toEqual(
      expect.arrayContaining([
        ['GET /users', 'limit', false],
        ['GET /users', 'type', false],
        ['GET /chat', 'limit', false],
        ['GET /chat/{user_id}', 'limit', false],
      ]),
    );
    expect(withDefault.filter(([, , required]) => required !== false)).toEqual([]);
  });

  it('types ids and counts as integers, message ids as int64 (a bigint column)', () => {
    expect(schemasIn(committed).filter(([, s]) => s.type === 'number')).toEqual([]);
    const formatOf = (name: string, property: string) => {
      const { type, format } = schema(name).properties![property];
      return `${type}/${format}`;
    };
    expect(formatOf('MessageDto', 'id')).toBe('integer/int64');
    expect(formatOf('MessageDto', 'sender_id')).toBe('integer/int32');
    expect(formatOf('MarkReadDto', 'up_to_id')).toBe('integer/int64');
    expect(formatOf('ChatDto', 'unread_count')).toBe('integer/int32');
    const history = operation('GET /chat/{user_id}').parameters!;
    expect(history.map((p) => [p.name, `${p.schema.type}/${p.schema.format}`])).toEqual(
      expect.arrayContaining([
        ['user_id', 'integer/int32'],
        ['before', 'integer/int64'],
        ['after', 'integer/int64'],
      ]),
    );
  });

  it('types next_cursor per page: opaque strings on /users and /chat, a message id on /chat/{user_id}', () => {
    expect(schema('UserPageDto').properties!.next_cursor).toMatchObject({ type: 'string', nullable: true });
    expect(schema('ChatPageDto').properties!.next_cursor).toMatchObject({ type: 'string', nullable: true });
    expect(schema('MessagePageDto').properties!.next_cursor).toMatchObject({
      type: 'integer',
      format: 'int64',
      nullable: true,
      description: expect.stringContaining('message id'),
    });
  });

  it('describes the bearer token as opaque, not a JWT', () => {
    expect(spec.components.securitySchemes.bearer).toEqual({
      type: 'http',
      scheme: 'bearer',
      description: expect.stringContaining('opaque'),
    });
  });

  it('declares Retry-After on every 429 and Idempotent-Replayed on /send’s 201', () => {
    const tooMany = operations.filter(([, op]) => op.responses['429']);
    expect(tooMany.length).toBeGreaterThan(0);
    for (const [route, op] of tooMany) {
      expect([route, op.responses['429'].headers?.['Retry-After']?.schema.type]).toEqual([route, 'integer']);
    }
    expect(operation('POST /send').responses['201'].headers?.['Idempotent-Replayed']?.schema).toEqual({
      type: 'string',
      enum: ['true'],
    });
  });

  it('declares X-Request-Id once, on every response of every route, and WWW-Authenticate on every 401', () => {
    expect(committed.components.headers['X-Request-Id'].schema.type).toBe('string');
    for (const [route, op] of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        expect([route, status, response.headers?.['X-Request-Id']]).toEqual([
          route,
          status,
          { $ref: '#/components/headers/X-Request-Id' },
        ]);
      }
    }
    const unauthorized = operations.filter(([, op]) => op.responses['401']);
    expect(unauthorized.filter(([, op]) => !op.responses['401'].headers?.['WWW-Authenticate'])).toEqual([]);
  });

  it('says outright that signup, login and health need no token (security: [])', () => {
    const open = operations.filter(([, op]) => op.security?.length === 0).map(([route]) => route);
    expect(open.sort()).toEqual([
      'GET /health',
      'GET /health/live',
      'GET /health/ready',
      'GET /push/vapid-public-key',
      'POST /login',
      'POST /signup',
    ]);
  });

  it('declares every tag it uses, describes every operation, and holds only schemas the routes use', () => {
    const declared = (committed.tags as { name: string; description: string }[]).map((tag) => tag.name).sort();
    expect([...new Set(operations.flatMap(([, op]) => op.tags ?? []))].sort()).toEqual(declared);
    // From the committed file: the descriptions are the handlers' @remarks, which only the Swagger CLI plugin reads.
    const committedOperations = Object.values(committed.paths as Record<string, Record<string, object>>).flatMap(
      (methods) => Object.values(methods),
    ) as { operationId: string; description?: string }[];
    expect(committedOperations.filter((op) => !op.description).map((op) => op.operationId)).toEqual([]);
    // The socket payloads live in asyncapi.json: a REST linter flags a schema no route uses.
    const text = JSON.stringify(committed.paths);
    const reachable = new Set<string>();
    const visit = (json: string) => {
      for (const [, name = ''] of json.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
        if (reachable.has(name)) continue;
        reachable.add(name);
        visit(JSON.stringify(committed.components.schemas[name]));
      }
    };
    visit(text);
    expect(Object.keys(committed.components.schemas).sort()).toEqual([...reachable].sort());
    expect(Object.keys(committed.components.schemas)).not.toContain('TypingEventDto');
  });

  it('gives examples of a 400 with details, a 409 and a 429', () => {
    const example = (route: string, status: string) =>
      operation(route).responses[status].content?.['application/json'].example;
    expect(example('POST /send', '400')).toMatchObject({
      statusCode: 400,
      details: [{ field: 'user_id', errors: [expect.any(String)] }],
    });
    expect(example('POST /signup', '409')).toMatchObject({ statusCode: 409, error: 'Conflict' });
    expect(example('POST /send', '429')).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
  });

  it('documents that POST /read/{user_id} works without a body', () => {
    expect(operation('POST /read/{user_id}').requestBody?.required).toBe(false);
  });

  it('is OpenAPI 3.0.3 with a server: localhost:3000 in the committed file, the serving host when served', async () => {
    expect(committed.openapi).toBe('3.0.3');
    expect(committed.servers).toEqual([{ url: 'http://localhost:3000', description: expect.any(String) }]);
    const served = await testApp.api().get('/docs-json').set('Host', 'parley.test:8080').expect(200);
    expect(served.body.servers).toEqual([{ url: 'http://parley.test:8080' }]);
  });
});
