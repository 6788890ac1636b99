import { applyDecorators } from '@nestjs/common';
import { IsString, Matches, MaxLength } from 'class-validator';

export const MAX_MESSAGE_LENGTH = 4000;

/**
 * 1–4000 characters (UTF-16 code units), at least one of them not white
 * space. NUL is refused: PostgreSQL text cannot hold it. Everything else,
 * emoji, RTL and zero-width characters, markup, SQL, is stored verbatim.
 */
export function IsMessageText(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    MaxLength(MAX_MESSAGE_LENGTH),
    Matches(/\S/, { message: '$property must not be empty or only white space' }),
    // eslint-disable-next-line no-control-regex -- NUL is exactly what this rule looks for
    Matches(/^[^\u0000]*$/, { message: '$property must not contain NUL characters' }),
  );
}
