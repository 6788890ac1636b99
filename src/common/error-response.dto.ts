import { ApiInt32 } from './api-integer.decorator.js';

/** What was wrong with one field of the request. */
export class FieldErrorDto {
  /** Path of the offending field, e.g. `user_id` or `items.0.name`. */
  field!: string;
  /** Every rule the value broke, in words. */
  errors!: string[];
}

/** The one shape of every error this API returns. */
export class ErrorResponseDto {
  /** The HTTP status code, repeated for clients that only see the body. */
  @ApiInt32()
  statusCode!: number;
  /** The status text, e.g. `Bad Request`. */
  error!: string;
  /** What went wrong, in a sentence a developer can act on. */
  message!: string;
  /** Per-field validation failures (only on 400 validation errors). */
  details?: FieldErrorDto[];
  /** The request's id, as in its `X-Request-Id` response header: quote it when reporting a problem. */
  request_id?: string;
}
