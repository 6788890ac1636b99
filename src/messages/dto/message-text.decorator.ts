import { applyDecorators } from '@nestjs/common';
import { IsString, Length, Matches } from 'class-validator';

export const MAX_MESSAGE_LENGTH = 4000;

/*
 * Some white space, a character that is neither white space nor NUL, then anything but NUL. One regex, not
 * two, because an OpenAPI schema holds one `pattern` (src/docs/validation-rules.ts); linear on any input.
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this rule looks for
export const MESSAGE_TEXT = /^\s*[^\s\u0000][^\u0000]*$/;

/**
 * 1–4000 characters, counted as validator.js counts them (a surrogate pair is
 * one, an emoji variation selector none), at least one of them not white
 * space. NUL is refused: PostgreSQL text cannot hold it. Everything else,
 * emoji, RTL and zero-width characters, markup, SQL, is stored verbatim.
 */
export function IsMessageText(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Length(1, MAX_MESSAGE_LENGTH),
    Matches(MESSAGE_TEXT, { message: '$property must not be only white space, nor contain NUL characters' }),
  );
}
