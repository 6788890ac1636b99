/*
 * The changes to an OpenAPI document that break a client generated from the previous one: what a
 * frontend team's code, compiled against the released spec, would fail on. Narrower than oasdiff's rules
 * (no Go binary can be installed here, and the npm diff tools are archived or fetch binaries at install),
 * and covers what this API's generated clients depend on: operations, their ids, parameters, bodies and
 * response fields.
 */

interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  format?: string;
  nullable?: boolean;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: boolean | Schema;
}
interface Content {
  content?: Record<string, { schema?: Schema }>;
}
interface Parameter {
  in: string;
  name: string;
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: Content & { required?: boolean };
  responses?: Record<string, Content>;
}
/** The parts of an OpenAPI 3.0 document the comparison reads. */
export interface OpenApiDocument {
  paths?: Record<string, Record<string, Operation | undefined>>;
  components?: { schemas?: Record<string, Schema> };
}

/** Requests flow from client to server, responses back: a change breaks clients in opposite directions. */
type Direction = 'request' | 'response';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

function resolve(document: OpenApiDocument, schema: Schema | undefined): Schema | undefined {
  let current = schema;
  for (let hops = 0; current?.$ref && hops < 32; hops++) {
    current = document.components?.schemas?.[String(current.$ref).replace('#/components/schemas/', '')];
  }
  return current;
}

/** An integer is a number: a response may narrow number to integer, a request may widen integer to number. */
function typeBreaks(before: Schema, after: Schema, direction: Direction): boolean {
  if (before.type === after.type) return false;
  const [narrow, wide] = direction === 'response' ? [after.type, before.type] : [before.type, after.type];
  return !(narrow === 'integer' && wide === 'number');
}

/** `allOf` of one schema is how @nestjs/swagger gives a `$ref` property its own description. */
function unwrap(schema: Schema | undefined): Schema | undefined {
  return schema?.allOf?.length === 1 ? schema.allOf[0] : schema;
}

function compareSchemas(
  documents: { before: OpenApiDocument; after: OpenApiDocument },
  wrappedBefore: Schema | undefined,
  wrappedAfter: Schema | undefined,
  direction: Direction,
  where: string,
  enclosing: readonly string[] = [],
): string[] {
  const [beforeSchema, afterSchema] = [unwrap(wrappedBefore), unwrap(wrappedAfter)];
  const before = resolve(documents.before, beforeSchema);
  const after = resolve(documents.after, afterSchema);
  if (!before || !after) return [];
  // A pair of named schemas already being compared further up holds itself (a DTO in its own tree): stop there.
  const pair = `${beforeSchema?.$ref}:${afterSchema?.$ref}`;
  if (beforeSchema?.$ref && afterSchema?.$ref && enclosing.includes(pair)) return [];
  const inside = [...enclosing, pair];

  const breaks: string[] = [];
  if (before.type !== undefined && after.type !== undefined && typeBreaks(before, after, direction)) {
    breaks.push(`${where}: type ${before.type} became ${after.type}`);
  }
  if (before.format !== undefined && after.format !== undefined && before.format !== after.format) {
    breaks.push(`${where}: format ${before.format} became ${after.format}`);
  }
  if (direction === 'response' && after.nullable && !before.nullable) breaks.push(`${where}: became nullable`);
  if (direction === 'request' && before.nullable && !after.nullable) breaks.push(`${where}: no longer nullable`);
  if (Array.isArray(before.enum) && Array.isArray(after.enum)) {
    const [from, to] = direction === 'request' ? [before.enum, after.enum] : [after.enum, before.enum];
    for (const value of from) if (!to.includes(value)) breaks.push(`${where}: enum value ${JSON.stringify(value)}`);
  }

  const beforeRequired = new Set(before.required ?? []);
  const afterRequired = new Set(after.required ?? []);
  for (const [name, property] of Object.entries(before.properties ?? {})) {
    const next = after.properties?.[name];
    if (!next) {
      breaks.push(`${where}.${name}: removed`);
      continue;
    }
    if (direction === 'response' && beforeRequired.has(name) && !afterRequired.has(name)) {
      breaks.push(`${where}.${name}: no longer always present`);
    }
    breaks.push(...compareSchemas(documents, property, next, direction, `${where}.${name}`, inside));
  }
  if (direction === 'request') {
    for (const name of afterRequired) {
      if (!beforeRequired.has(name)) breaks.push(`${where}.${name}: newly required`);
    }
  }
  if (before.items && after.items) {
    breaks.push(...compareSchemas(documents, before.items, after.items, direction, `${where}[]`, inside));
  }
  if (before.additionalProperties && after.additionalProperties) {
    const [b, a] = [before.additionalProperties, after.additionalProperties];
    if (typeof b === 'object' && typeof a === 'object') {
      breaks.push(...compareSchemas(documents, b, a, direction, `${where}{}`, inside));
    }
  }
  return breaks;
}

/** Each break as one line, `METHOD /path …: what changed`, in a stable order. */
export function findBreakingChanges(before: OpenApiDocument, after: OpenApiDocument): string[] {
  const documents = { before, after };
  const breaks: string[] = [];
  for (const [path, item] of Object.entries(before.paths ?? {})) {
    for (const method of METHODS) {
      const old = item[method];
      if (!old) continue;
      const route = `${method.toUpperCase()} ${path}`;
      const next = after.paths?.[path]?.[method];
      if (!next) {
        breaks.push(`${route}: removed`);
        continue;
      }
      if (old.operationId !== next.operationId) {
        breaks.push(`${route}: operationId ${old.operationId} became ${next.operationId}`);
      }

      const params = (operation: Operation) =>
        new Map((operation.parameters ?? []).map((p) => [`${p.in} ${p.name}`, p]));
      const [oldParams, newParams] = [params(old), params(next)];
      for (const [id, param] of oldParams) {
        const successor = newParams.get(id);
        if (!successor) breaks.push(`${route} parameter ${id}: removed`);
        else
          breaks.push(
            ...compareSchemas(documents, param.schema, successor.schema, 'request', `${route} parameter ${id}`),
          );
      }
      for (const [id, param] of newParams) {
        if (param.required && !oldParams.get(id)?.required) breaks.push(`${route} parameter ${id}: newly required`);
      }

      const bodySchema = (operation: Operation) => operation.requestBody?.content?.['application/json']?.schema;
      if (next.requestBody?.required && !old.requestBody?.required) breaks.push(`${route} body: newly required`);
      breaks.push(...compareSchemas(documents, bodySchema(old), bodySchema(next), 'request', `${route} body`));

      for (const [status, response] of Object.entries(old.responses ?? {})) {
        if (!status.startsWith('2')) continue;
        const successor = next.responses?.[status];
        if (!successor) {
          breaks.push(`${route} ${status}: removed`);
          continue;
        }
        const schemaOf = (r: Content) => r.content?.['application/json']?.schema;
        breaks.push(
          ...compareSchemas(documents, schemaOf(response), schemaOf(successor), 'response', `${route} ${status}`),
        );
      }
    }
  }
  return breaks;
}
