import { applyDecorators, HttpStatus } from '@nestjs/common';
import { ApiResponse, type HeaderObject } from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto.js';
import { responseHeaders } from './response-headers.js';

const DESCRIPTIONS: Partial<Record<HttpStatus, string>> = {
  [HttpStatus.BAD_REQUEST]: 'The request is malformed or a field is invalid; `details` lists each field',
  [HttpStatus.UNAUTHORIZED]: 'The token is missing, unknown, revoked or expired',
  [HttpStatus.NOT_FOUND]: 'No user has that id',
  [HttpStatus.CONFLICT]: 'The username or email is already taken',
  [HttpStatus.FORBIDDEN]: 'The current password is wrong',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'The request body is larger than 64 KiB',
  [HttpStatus.TOO_MANY_REQUESTS]: 'A rate limit was hit; the Retry-After header says how many seconds to wait',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'The database is unavailable, or the request took longer than REQUEST_TIMEOUT_MS',
};

/* What some error answers look like, for readers of the spec and Swagger UI. */
const EXAMPLES: Partial<Record<HttpStatus, ErrorResponseDto>> = {
  [HttpStatus.BAD_REQUEST]: {
    statusCode: 400,
    error: 'Bad Request',
    message: 'Request validation failed',
    details: [{ field: 'user_id', errors: ['user_id must be an integer number'] }],
  },
  [HttpStatus.CONFLICT]: { statusCode: 409, error: 'Conflict', message: 'That username is already taken' },
  [HttpStatus.TOO_MANY_REQUESTS]: {
    statusCode: 429,
    error: 'Too Many Requests',
    message: 'Too many requests; retry after the seconds in the Retry-After header',
  },
};

const HEADERS: Partial<Record<HttpStatus, Record<string, HeaderObject>>> = {
  [HttpStatus.UNAUTHORIZED]: responseHeaders('WWW-Authenticate'),
  [HttpStatus.TOO_MANY_REQUESTS]: responseHeaders('Retry-After'),
};

interface ErrorResponseOptions {
  status: HttpStatus;
  description: string;
  type: typeof ErrorResponseDto;
  headers?: Record<string, HeaderObject>;
  example?: ErrorResponseDto;
}

/** An error response in the one ErrorResponseDto shape, with its example and headers where it has them. */
export function errorResponse(status: HttpStatus): ErrorResponseOptions {
  return {
    status,
    description: DESCRIPTIONS[status] ?? 'Error',
    type: ErrorResponseDto,
    headers: HEADERS[status],
    example: EXAMPLES[status],
  };
}

/**
 * Documents the error statuses particular to a route. The ones that follow from
 * the route's kind (401, 413, 429, 503) are added for every route in one place:
 * src/docs/route-responses.ts.
 */
export function ApiErrors(
  ...statuses: (HttpStatus | { status: HttpStatus; description: string; example?: ErrorResponseDto })[]
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((error) =>
      typeof error === 'object'
        ? ApiResponse({ ...errorResponse(error.status), ...error })
        : ApiResponse(errorResponse(error)),
    ),
  );
}
