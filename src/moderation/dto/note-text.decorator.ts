import { applyDecorators } from '@nestjs/common';
import { IsString, Matches, MaxLength } from 'class-validator';

export const MAX_NOTE_LENGTH = 1000;

// eslint-disable-next-line no-control-regex -- NUL is exactly what this rule looks for
const WITHOUT_NUL = /^[^\u0000]*$/;

/**
 * Free text beside a report or a moderator's decision: at most 1000 characters, counted as message text is.
 * NUL is refused (PostgreSQL text cannot hold it), as unpaired surrogates are for every string (src/common/validation.ts).
 */
export function IsNoteText(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    MaxLength(MAX_NOTE_LENGTH),
    Matches(WITHOUT_NUL, { message: '$property must not contain NUL characters' }),
  );
}
