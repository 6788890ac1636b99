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
  statusCode!: number;
  /** The status text, e.g. `Bad Request`. */
  error!: string;
  /** What went wrong, in a sentence a developer can act on. */
  message!: string;
  /** Per-field validation failures (only on 400 validation errors). */
  details?: FieldErrorDto[];
}
