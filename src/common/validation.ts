import { type ArgumentMetadata, BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import type { FieldErrorDto } from './error-response.dto.js';

/** Thrown by the global ValidationPipe; the exception filter renders its details. */
export class RequestValidationException extends BadRequestException {
  constructor(readonly details: FieldErrorDto[]) {
    super(details.map((d) => d.errors.join('; ')).join('; '));
  }
}

/* When a value has the wrong type, its range and format rules only add noise. */
const TYPE_RULES = new Set(['isInt', 'isString', 'isNumber', 'isBoolean', 'nestedValidation', 'whitelistValidation']);

function messagesOf(constraints: Record<string, string>): string[] {
  const typeErrors = Object.keys(constraints).filter((rule) => TYPE_RULES.has(rule));
  return typeErrors.length > 0 ? typeErrors.map((rule) => constraints[rule]) : Object.values(constraints);
}

function flatten(errors: ValidationError[], parent = ''): FieldErrorDto[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, errors: messagesOf(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * The global pipe. Bodies must be JSON objects (an array or a bare value is
 * refused whole, before field checks); a POST without a body counts as `{}`.
 */
class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body') {
      if (value === undefined) return super.transform({}, metadata);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new BadRequestException('Request body must be a JSON object');
      }
    }
    checkShape(value);
    return super.transform(value, metadata);
  }
}

/* Our DTOs are flat; anything deeper is hostile, and would only feed recursion further down. */
const MAX_DEPTH = 16;

/*
 * Walks the input without recursion (a 30 000-level JSON body must not overflow
 * the stack) and refuses lone UTF-16 surrogates ("\ud800"): stored as UTF-8
 * they would come back altered (U+FFFD), so they are refused, not changed.
 */
function checkShape(input: unknown): void {
  const pending: [unknown, number][] = [[input, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, depth] = next;
    if (typeof value === 'string' && !value.isWellFormed()) {
      throw new BadRequestException('Strings must be well-formed Unicode (no unpaired surrogates)');
    }
    if (value && typeof value === 'object') {
      if (depth >= MAX_DEPTH) throw new BadRequestException(`Input is nested deeper than ${MAX_DEPTH} levels`);
      for (const child of Object.values(value)) pending.push([child, depth + 1]);
    }
  }
}

export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // Never echo the submitted value back.
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestValidationException(flatten(errors)),
  });
}
