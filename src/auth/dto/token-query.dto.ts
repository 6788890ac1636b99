import { IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * The original service took the token as a `token` query parameter; it is
 * still accepted (the Authorization header is preferred), so query DTOs allow it.
 */
export class TokenQueryDto {
  /** Session token, for clients that cannot send an Authorization header. */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  token?: string;
}
