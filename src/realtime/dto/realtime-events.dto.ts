/*
 * Payloads of the socket events (src/realtime/events.ts names them). Classes,
 * so the Swagger plugin documents them in the OpenAPI document, where the
 * AsyncAPI document and generated clients take their schemas from.
 */
import { ApiProperty } from '@nestjs/swagger';
import { ApiInt32, ApiInt64 } from '../../common/api-integer.decorator.js';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsInt, Max, Min } from 'class-validator';
import { MAX_USER_ID } from '../../users/dto/user-id-param.dto.js';

/** How many users one socket may watch with `presence.watch`. */
export const MAX_WATCHED_USERS = 200;

/** `message.read`: `reader_id` read what `sender_id` sent, up to and including `up_to_id`. */
export class MessageReadEventDto {
  /** @example 2 */
  @ApiInt32()
  reader_id!: number;
  /** @example 1 */
  @ApiInt32()
  sender_id!: number;
  /** The highest message id now read. @example 1234 */
  @ApiInt64()
  up_to_id!: number;
  @ApiProperty({ type: String, format: 'date-time' })
  read_at!: string;
}

/** `message.deleted`: a message was deleted for everyone; replace your copy with its tombstone. */
export class MessageDeletedEventDto {
  /** @example 1234 */
  @ApiInt64()
  id!: number;
  /** @example 1 */
  @ApiInt32()
  sender_id!: number;
  /** @example 2 */
  @ApiInt32()
  recipient_id!: number;
  @ApiProperty({ type: String, format: 'date-time' })
  deleted_at!: string;
}

/** `broadcast.new`: someone wrote to everyone; fetch it with `GET /chat/{sender_id}` (or `/sync`). */
export class BroadcastEventDto {
  /** @example 1 */
  @ApiInt32()
  sender_id!: number;
  /** The message's first 140 characters. @example Hello, everyone */
  preview!: string;
  @ApiProperty({ type: String, format: 'date-time' })
  created!: string;
}

/** `typing`, client → server: tell `user_id` whether you are typing to them. */
export class TypingDto {
  /** The peer you are typing to. @example 2 */
  @IsInt()
  @Min(1)
  @Max(MAX_USER_ID)
  @ApiInt32()
  user_id!: number;
  /** @example true */
  @IsBoolean()
  typing!: boolean;
}

/** `typing`, server → client: `user_id` is (or stopped) typing to you. */
export class TypingEventDto {
  /** Who is typing. @example 1 */
  @ApiInt32()
  user_id!: number;
  /** @example true */
  typing!: boolean;
}

/** `presence.watch`, client → server: the users whose presence this socket follows (replaces the previous list). */
export class PresenceWatchDto {
  /** @example [2, 3] */
  @ArrayMinSize(0)
  @ArrayMaxSize(MAX_WATCHED_USERS)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(MAX_USER_ID, { each: true })
  @ApiInt32({ isArray: true })
  user_ids!: number[];
}

/**
 * `presence.away`, client → server: this socket's page is hidden or its user idle (true), or back (false). A user
 * whose every socket is away gets Web Push notifications as if offline: a desktop tab left open in the background
 * must not swallow them. Presence (online, last seen) is not affected.
 */
export class PresenceAwayDto {
  /** @example true */
  @IsBoolean()
  away!: boolean;
}

/** `presence`: a watched user came online or went offline (after a grace period). */
export class PresenceEventDto {
  /** @example 2 */
  @ApiInt32()
  user_id!: number;
  /** @example true */
  online!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_seen_at!: string | null;
}

/** `session.revoked`: this socket's session ended; the server disconnects it next. */
export class SessionRevokedEventDto {
  @ApiProperty({ enum: ['logout', 'logout_all', 'password_changed', 'suspended', 'account_deleted'] })
  reason!: 'logout' | 'logout_all' | 'password_changed' | 'suspended' | 'account_deleted';
}

/** `session.expired`: this socket's session reached its expiry; the server disconnects it next. */
export class SessionExpiredEventDto {}

/** The acknowledgement of a client event that succeeded (a failure is answered with ErrorResponseDto). */
export class AckOkDto {
  @ApiProperty({ enum: [true] })
  ok!: true;
}

export const REALTIME_MODELS = [
  MessageReadEventDto,
  MessageDeletedEventDto,
  BroadcastEventDto,
  TypingDto,
  TypingEventDto,
  PresenceWatchDto,
  PresenceAwayDto,
  PresenceEventDto,
  SessionRevokedEventDto,
  SessionExpiredEventDto,
  AckOkDto,
];
