import { IsISO8601, IsOptional } from 'class-validator';

export class MuteChatDto {
  /**
   * Mute until this moment (ISO 8601, in the future); without it, until you unmute.
   * @example 2026-12-31T08:00:00Z
   */
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  until?: string;
}
