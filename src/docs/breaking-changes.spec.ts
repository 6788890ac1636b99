import { findBreakingChanges } from './breaking-changes.js';

const page = (nextCursor: object) => ({
  openapi: '3.0.3',
  paths: {
    '/chat': {
      get: {
        operationId: 'listChats',
        parameters: [{ in: 'query', name: 'limit', required: false, schema: { type: 'integer' } }],
        responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Page' } } } } },
      },
    },
  },
  components: {
    schemas: { Page: { type: 'object', required: ['next_cursor'], properties: { next_cursor: nextCursor } } },
  },
});

describe('findBreakingChanges', () => {
  const released = page({ type: 'number' });

  it('finds none between a document and itself, nor when a response number narrows to integer', () => {
    expect(findBreakingChanges(released, released)).toEqual([]);
    expect(findBreakingChanges(released, page({ type: 'integer' }))).toEqual([]);
  });

  it('finds a response field that changed type, became nullable or went away', () => {
    expect(findBreakingChanges(released, page({ type: 'string', nullable: true }))).toEqual([
      'GET /chat 200.next_cursor: type number became string',
      'GET /chat 200.next_cursor: became nullable',
    ]);
    const without = page({ type: 'number' });
    without.components.schemas.Page.properties = {} as never;
    expect(findBreakingChanges(released, without)).toEqual(['GET /chat 200.next_cursor: removed']);
  });

  it('finds a removed operation, a renamed operationId and a newly required parameter', () => {
    const changed = page({ type: 'number' });
    changed.paths['/chat'].get.operationId = 'getChats';
    changed.paths['/chat'].get.parameters[0].required = true;
    expect(findBreakingChanges(released, changed)).toEqual([
      'GET /chat: operationId listChats became getChats',
      'GET /chat parameter query limit: newly required',
    ]);
    expect(findBreakingChanges(released, { paths: {} })).toEqual(['GET /chat: removed']);
  });

  it('stops at a schema that holds itself, reporting its change once', () => {
    const tree = (idType: string) => ({
      paths: {
        '/a': {
          get: {
            responses: {
              '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Node' } } } },
            },
          },
        },
      },
      components: {
        schemas: {
          Node: {
            type: 'object',
            properties: {
              id: { type: idType },
              parent: { allOf: [{ $ref: '#/components/schemas/Node' }], description: 'described' },
              sibling: { $ref: '#/components/schemas/Node' },
            },
          },
        },
      },
    });
    expect(findBreakingChanges(tree('integer'), tree('string'))).toEqual(['GET /a 200.id: type integer became string']);
  });
});
