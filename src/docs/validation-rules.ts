/*
 * The rules the ValidationPipe enforces, written into the schemas it enforces them on, from the same
 * class-validator metadata: a form or validator generated from the spec then refuses what the server
 * refuses. The Swagger plugin reads only the decorators it knows by name, written on the property itself;
 * it misses composed ones (@IsMessageText, @IsClientKey) and patterns held in constants, so this pass
 * reads what class-validator will actually run instead.
 */
import { type Type } from '@nestjs/common';
import type { OpenAPIObject, ParameterObject, SchemaObject } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';

type Keywords = Pick<
  SchemaObject,
  | 'type'
  | 'format'
  | 'minimum'
  | 'maximum'
  | 'minLength'
  | 'maxLength'
  | 'pattern'
  | 'enum'
  | 'maxItems'
  | 'uniqueItems'
> & { items?: Keywords };

function patternOf(constraint: unknown): string {
  const regex = constraint as RegExp;
  // A JSON Schema pattern has no flags: a rule that needs one cannot be written in the spec as it runs.
  if (regex.flags !== '') throw new Error(`The pattern /${regex.source}/${regex.flags} has flags; write it without`);
  return regex.source;
}

/** Each class-validator rule the schema can state, by the validator's name, and the keywords that state it. */
export const SCHEMA_KEYWORDS: Record<string, (constraints: unknown[]) => Keywords> = {
  isString: () => ({ type: 'string' }),
  isInt: () => ({ type: 'integer' }),
  isBoolean: () => ({ type: 'boolean' }),
  isNumber: () => ({ type: 'number' }),
  isEmail: () => ({ format: 'email' }),
  isIso8601: () => ({ type: 'string', format: 'date-time' }),
  // Required is the schema's `required` list; the nested object's own rules are in its own schema.
  isDefined: () => ({}),
  min: ([min]) => ({ minimum: min as number }),
  max: ([max]) => ({ maximum: max as number }),
  minLength: ([min]) => ({ minLength: min as number }),
  maxLength: ([max]) => ({ maxLength: max as number }),
  isLength: ([min, max]) => ({ minLength: min as number, ...(max !== undefined && { maxLength: max as number }) }),
  matches: ([pattern]) => ({ pattern: patternOf(pattern) }),
  isIn: ([values]) => ({ enum: values as unknown[] }),
  isUuid: () => ({ type: 'string', format: 'uuid' }),
  isArray: () => ({ type: 'array' }),
  arrayMaxSize: ([max]) => ({ maxItems: max as number }),
  arrayUnique: () => ({ uniqueItems: true }),
};

/** Rules no JSON Schema keyword can state; the property's description says them instead. */
export const DESCRIBED_ONLY = new Set(['equalsProperty', 'isReactionEmoji', 'nestedValidation']);

/** The schema keywords of each validated property of `dto`, its parents' rules included. */
export function validationKeywords(dto: Type): Map<string, Keywords> {
  const rules = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  const byProperty = new Map<string, Keywords>();
  for (const rule of rules) {
    // IsOptional (a condition, not a rule): the schema's `required` list already says it.
    // ValidateNested: the nested class's own schema carries its rules.
    if (rule.type === 'conditionalValidation' || rule.type === 'nestedValidation') continue;
    if (DESCRIBED_ONLY.has(rule.name ?? '')) continue;
    const keywords = SCHEMA_KEYWORDS[rule.name ?? ''];
    if (!keywords) {
      throw new Error(
        `${dto.name}.${rule.propertyName}: no schema keyword for @${rule.name}; map it in validation-rules.ts`,
      );
    }
    const own = byProperty.get(rule.propertyName) ?? {};
    // A rule with `each` holds for every item of an array: it is the items' schema that states it.
    const added = rule.each
      ? { items: { ...own.items, ...keywords(rule.constraints as unknown[]) } }
      : keywords(rule.constraints as unknown[]);
    // Two patterns on one property would need allOf, which generated clients read poorly: one regex instead.
    if (own.pattern !== undefined && added.pattern !== undefined) {
      throw new Error(`${dto.name}.${rule.propertyName} has two patterns; merge them into one`);
    }
    byProperty.set(rule.propertyName, { ...own, ...added });
  }
  return byProperty;
}

/** Adds each rule of the handlers' body, query and path DTOs to the document's schemas and parameters. */
export function addValidationRules(document: OpenAPIObject, dtosByOperation: Map<string, Type[]>): OpenAPIObject {
  const schemas = document.components?.schemas ?? {};
  for (const path of Object.values(document.paths)) {
    for (const operation of [path.get, path.post, path.put, path.patch, path.delete]) {
      for (const dto of dtosByOperation.get(operation?.operationId ?? '') ?? []) {
        for (const [property, keywords] of validationKeywords(dto)) {
          const parameter = (operation?.parameters as ParameterObject[] | undefined)?.find(
            (p) => p.name === property && (p.in === 'query' || p.in === 'path'),
          );
          const component = schemas[dto.name] as SchemaObject | undefined;
          const target = (parameter?.schema ?? component?.properties?.[property]) as SchemaObject | undefined;
          if (target) Object.assign(target, keywords);
        }
      }
    }
  }
  return document;
}
