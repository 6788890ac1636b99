/* The spec is a product: frontend teams generate clients from /docs-json. */
import { createTestApp, type TestApp } from './support/test-app.js';

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
}

describe('OpenAPI document at /docs-json', () => {
  let testApp: TestApp;
  let operations: [string, Operation][];

  beforeAll(async () => {
    testApp = await createTestApp();
    const spec = (await testApp.api().get('/docs-json').expect(200)).body;
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
      }),
    );
    const operationIds = operations.map(([, op]) => op.operationId);
    expect(new Set(operationIds).size).toBe(operationIds.length);
  });

  it('marks every route but signup, login and health as needing the bearer token', () => {
    const open = operations.filter(([, op]) => !op.security?.some((s) => 'bearer' in s)).map(([route]) => route);
    expect(open.sort()).toEqual(['GET /health', 'POST /login', 'POST /signup']);
  });

  it('types every error response as ErrorResponseDto', () => {
    for (const [route, op] of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400 || route === 'GET /health') continue;
        expect([route, status, response.content?.['application/json']?.schema.$ref]).toEqual([
          route,
          status,
          '#/components/schemas/ErrorResponseDto',
        ]);
      }
    }
  });
});
