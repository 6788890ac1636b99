import { applyDecorators, BadRequestException } from '@nestjs/common';
import { IsString, Matches, MaxLength } from 'class-validator';

const MAX_CLIENT_KEY_LENGTH = 200;
export const CLIENT_KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;
const RULE = '1–200 visible ASCII characters';

/** The Idempotency-Key header's schema: the rules resolveClientKey applies, stated for generated clients. */
export const CLIENT_KEY_SCHEMA = {
  type: 'string',
  minLength: 1,
  maxLength: MAX_CLIENT_KEY_LENGTH,
  pattern: CLIENT_KEY_PATTERN.source,
} as const;

/** An idempotency key: 1–200 visible ASCII characters (a UUID fits). */
export function IsClientKey(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    MaxLength(MAX_CLIENT_KEY_LENGTH),
    Matches(CLIENT_KEY_PATTERN, { message: `$property must be ${RULE}` }),
  );
}

/** The one key of a send, from the Idempotency-Key header or the client_id field; they must agree when both are sent. */
export function resolveClientKey(header: string | undefined, clientId: string | undefined): string | undefined {
  if (header !== undefined && !CLIENT_KEY_PATTERN.test(header)) {
    throw new BadRequestException(`The Idempotency-Key header must be ${RULE}`);
  }
  if (header !== undefined && clientId !== undefined && header !== clientId) {
    throw new BadRequestException('The Idempotency-Key header and client_id differ; send one of them');
  }
  return header ?? clientId;
}
