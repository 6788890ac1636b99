/* Turns the API's one error shape (ErrorResponseDto) into a sentence for the screen. */
import type { ErrorResponseDto } from '@parley/client';

export function describeError(error: unknown): string {
  const body = error as Partial<ErrorResponseDto> | undefined;
  if (body?.details?.length)
    return body.details.map(({ field, errors }) => `${field}: ${errors.join(', ')}`).join('; ');
  if (typeof body?.message === 'string') return body.message;
  return 'Parley could not be reached. Check your connection and try again.';
}
