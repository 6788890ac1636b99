/*
 * Response headers the API sets, declared once so every response that carries one documents it the same way,
 * and so CORS exposes exactly these to pages on other origins (app.setup.ts): a browser hides any response
 * header that is not CORS-safelisted unless Access-Control-Expose-Headers names it.
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
  [REQUEST_ID_HEADER]: {
    description:
      'The id of this request: the X-Request-Id the client sent, when it is 1–128 characters of `A-Z a-z 0-9 . _ : @ / + = -`, ' +
      'a new UUID otherwise. Error bodies repeat it as `request_id`: quote it when reporting a problem.',
    schema: { type: 'string', maxLength: 128, example: '0b7e3c52-5a1d-4f7e-9c2a-1f0e6d8b4a39' },
  },
  'Content-Disposition': {
    description: 'Names the download: `attachment; filename="parley-export-<user id>.json"`',
    schema: { type: 'string', example: 'attachment; filename="parley-export-1.json"' },
  },
  'WWW-Authenticate': {
    description:
      'How to authenticate (RFC 6750): `Bearer realm="parley"`, with `error="invalid_token"` when a token was sent ' +
      'but is unknown, revoked or expired',
    schema: { type: 'string', example: 'Bearer realm="parley", error="invalid_token"' },
  },
} satisfies Record<string, HeaderObject>;

export type ResponseHeaderName = keyof typeof RESPONSE_HEADERS;

/** Every header above: what a page on an allowed origin may read (Access-Control-Expose-Headers). */
export const EXPOSED_HEADERS = Object.keys(RESPONSE_HEADERS) as ResponseHeaderName[];

export function responseHeaders(...names: ResponseHeaderName[]): Record<string, HeaderObject> {
  return Object.fromEntries(names.map((name) => [name, RESPONSE_HEADERS[name]]));
}
