/*
 * Response headers the API sets, declared once so every response that carries one documents it the same way.
 * A new header is one entry here, named where the responses that carry it are declared.
 */
import type { HeaderObject } from '@nestjs/swagger';

/** Set on every response by the request observer; the error body repeats it as `requestId`. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

export const RESPONSE_HEADERS = {
  'Retry-After': {
    description: 'How many seconds to wait before trying again',
    schema: { type: 'integer', minimum: 1, example: 42 },
  },
  'Idempotent-Replayed': {
    description:
      '`true` when this answer is the message first stored with the same Idempotency-Key (or client_id); absent otherwise',
    schema: { type: 'string', enum: ['true'] },
  },
} satisfies Record<string, HeaderObject>;

export type ResponseHeaderName = keyof typeof RESPONSE_HEADERS;

export function responseHeaders(...names: ResponseHeaderName[]): Record<string, HeaderObject> {
  return Object.fromEntries(names.map((name) => [name, RESPONSE_HEADERS[name]]));
}
