/*
 * The Swagger plugin reads a TypeScript `number` as OpenAPI `number`, which generators turn into floats;
 * these say which integer column a field comes from, so clients get integers of the right width.
 */
import { ApiProperty } from '@nestjs/swagger';

interface IntegerOptions {
  required?: boolean;
  nullable?: boolean;
  default?: number;
  /** A list of such integers. */
  isArray?: boolean;
}

/** An `integer` column (user ids, counts): fits in 32 bits. */
export const ApiInt32 = (options: IntegerOptions = {}): PropertyDecorator =>
  ApiProperty({ ...options, type: 'integer', format: 'int32' });

/** A `bigint` column (message ids). Sent as a JSON number, exact up to 2^53 − 1 (Number.MAX_SAFE_INTEGER). */
export const ApiInt64 = (options: IntegerOptions = {}): PropertyDecorator =>
  ApiProperty({ ...options, type: 'integer', format: 'int64' });
