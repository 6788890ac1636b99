import { applyDecorators, HttpStatus } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto.js';

const DESCRIPTIONS: Partial<Record<HttpStatus, string>> = {
  [HttpStatus.BAD_REQUEST]: 'The request is malformed or a field is invalid; `details` lists each field',
  [HttpStatus.UNAUTHORIZED]: 'The token is missing, unknown, revoked or expired',
  [HttpStatus.NOT_FOUND]: 'No user has that id',
  [HttpStatus.CONFLICT]: 'The username or email is already taken',
  [HttpStatus.FORBIDDEN]: 'The current password is wrong',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'The request body is larger than 64 KiB',
  [HttpStatus.TOO_MANY_REQUESTS]: 'A rate limit was hit; the Retry-After header says how many seconds to wait',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'The database is unavailable',
};

/** Documents the error statuses a route can answer with, all in the one ErrorResponseDto shape. */
export function ApiErrors(...statuses: HttpStatus[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status] ?? 'Error', type: ErrorResponseDto }),
    ),
  );
}
