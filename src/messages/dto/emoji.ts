import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsString, MaxLength, ValidateBy } from 'class-validator';

/** Longer than any emoji (the longest RGI sequences are under 20 UTF-16 units): refused before the regex runs. */
export const MAX_EMOJI_LENGTH = 32;

// Unicode's recommended-for-interchange emoji, each one extended grapheme cluster: single emoji, modifier and
// ZWJ sequences, flags, keycaps. The `v` flag's property of strings; linear on any input.
const ONE_EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');
const EMOJI_PRESENTATION = '\uFE0F';

/**
 * The stored form of a reaction emoji, or null when `text` is not exactly one emoji. An emoji typed without its
 * emoji-presentation selector (❤ for ❤️, as some keyboards send it) is the same reaction as with it.
 */
export function normalizeEmoji(text: string): string | null {
  if (text.length > MAX_EMOJI_LENGTH) return null;
  if (ONE_EMOJI.test(text)) return text;
  const presented = text + EMOJI_PRESENTATION;
  return ONE_EMOJI.test(presented) ? presented : null;
}

/** One emoji, stored in its normal form (normalizeEmoji). */
export function IsReactionEmoji(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? (normalizeEmoji(value) ?? value) : value,
    ),
    IsString(),
    MaxLength(MAX_EMOJI_LENGTH),
    ValidateBy({
      name: 'isReactionEmoji',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && normalizeEmoji(value) !== null,
        defaultMessage: () => '$property must be exactly one emoji',
      },
    }),
  );
}
