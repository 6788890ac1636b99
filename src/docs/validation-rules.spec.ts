/*
 * Every rule the ValidationPipe runs on a body, query or path DTO is stated in the committed openapi.json
 * (the file `npm run openapi:check` proves the built code serves), where that DTO sits: a form or validator
 * generated from the spec refuses what the server refuses. Walks the handlers of every controller, so a new
 * route, DTO or rule is checked without being listed here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { METHOD_METADATA } from '@nestjs/common/constants.js';
import type { Type } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { CLIENT_KEY_PATTERN } from '../messages/dto/client-key.js';
import { DESCRIBED_ONLY, SCHEMA_KEYWORDS, validationKeywords } from './validation-rules.js';

interface Schema {
  $ref?: string;
  type?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  properties?: Record<string, Schema>;
}
interface Operation {
  operationId: string;
  parameters?: { name: string; in: string; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

const spec = JSON.parse(readFileSync('openapi.json', 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};
const operations = Object.values(spec.paths).flatMap((methods) => Object.values(methods));
const operation = (id: string) => operations.find((o) => o.operationId === id)!;
const bodyOf = (id: string) => {
  const ref = operation(id).requestBody?.content['application/json'].schema.$ref ?? '';
  return spec.components.schemas[ref.replace('#/components/schemas/', '')];
};
const parameter = (id: string, name: string) => operation(id).parameters?.find((p) => p.name === name)?.schema;

/** [operationId, DTO] for every handler parameter that class-validator checks. */
async function validatedDtos(): Promise<[string, Type][]> {
  const files = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.controller.ts'));
  const found: [string, Type][] = [];
  for (const file of files) {
    const module = (await import(`../${file.replace(/\.ts$/, '.js')}`)) as Record<string, unknown>;
    for (const controller of Object.values(module).filter((v): v is Type => typeof v === 'function')) {
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        if (
          typeof prototype[name] !== 'function' ||
          Reflect.getMetadata(METHOD_METADATA, prototype[name]) === undefined
        ) {
          continue;
        }
        const types = (Reflect.getMetadata('design:paramtypes', prototype, name) as Type[] | undefined) ?? [];
        for (const dto of types) {
          if (getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false).length > 0)
            found.push([name, dto]);
        }
      }
    }
  }
  return found;
}

describe('validation rules in openapi.json', () => {
  it('states every rule of every validated DTO where the DTO is used', async () => {
    const dtos = await validatedDtos();
    expect(dtos.map(([id, dto]) => `${id}:${dto.name}`)).toEqual(
      expect.arrayContaining(['signup:SignupDto', 'sendMessage:SendMessageDto', 'listUsers:ListUsersQueryDto']),
    );
    const missing: string[] = [];
    for (const [id, dto] of dtos) {
      for (const [property, keywords] of validationKeywords(dto)) {
        const schema = parameter(id, property) ?? bodyOf(id).properties?.[property];
        for (const [keyword, value] of Object.entries(keywords)) {
          if (!isDeepStrictEqual(schema?.[keyword as keyof Schema], value)) {
            missing.push(`${id} ${dto.name}.${property}: ${keyword} ${JSON.stringify(value)}`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('knows every validator the DTOs use: each is stated in the schema or explained in a description', async () => {
    const names = new Set(
      (await validatedDtos()).flatMap(([, dto]) =>
        getMetadataStorage()
          .getTargetValidationMetadatas(dto, '', true, false)
          .filter((rule) => rule.type !== 'conditionalValidation')
          .map((rule) => rule.name ?? rule.type),
      ),
    );
    expect([...names].filter((name) => !(name in SCHEMA_KEYWORDS) && !DESCRIBED_ONLY.has(name))).toEqual([]);
  });

  it('refuses in the schema what the server refuses with 400', () => {
    const matches = (schema: Schema | undefined, value: string) =>
      value.length >= (schema?.minLength ?? 0) &&
      value.length <= (schema?.maxLength ?? Infinity) &&
      new RegExp(schema?.pattern ?? '').test(value);
    const username = bodyOf('signup').properties!.username;
    expect(matches(username, 'user_1')).toBe(true);
    expect(matches(username, 'user 1')).toBe(false);
    const message = bodyOf('sendMessage').properties!.message;
    expect(matches(message, 'x'.repeat(4000))).toBe(true);
    expect(matches(message, 'x'.repeat(4001))).toBe(false);
    expect(matches(message, ' \n\t ')).toBe(false);
    expect(matches(message, 'nul\u0000byte')).toBe(false);
    expect(matches(bodyOf('sendToAll').properties!.message, '')).toBe(false);
    expect(matches(bodyOf('sendMessage').properties!.client_id, 'k'.repeat(201))).toBe(false);
    const idempotencyKey = parameter('sendMessage', 'Idempotency-Key');
    expect(idempotencyKey?.pattern).toBe(CLIENT_KEY_PATTERN.source);
    expect(matches(idempotencyKey, '5f0c8a9e-1d2b-4c3d-9e8f-7a6b5c4d3e2f')).toBe(true);
    expect(matches(idempotencyKey, 'has a space')).toBe(false);
    expect(matches(idempotencyKey, 'k'.repeat(201))).toBe(false);
  });
});
