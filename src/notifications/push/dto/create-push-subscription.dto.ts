import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsInt, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';

export class PushSubscriptionKeysDto {
  /**
   * The browser's P-256 public key: 65 bytes, uncompressed, base64url (RFC 8291).
   * @example BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM
   */
  @IsString()
  @Matches(/^B[A-Za-z0-9_-]{86}=?$/, { message: 'keys.p256dh must be a 65-byte uncompressed P-256 key, base64url' })
  p256dh!: string;

  /**
   * The browser's authentication secret: 16 bytes, base64url.
   * @example tBHItJI5svbpez7KI4CCXg
   */
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{22}(==)?$/, { message: 'keys.auth must be 16 bytes, base64url' })
  auth!: string;
}

/** What `PushSubscription.toJSON()` gives in a browser, sent as it is. */
export class CreatePushSubscriptionDto {
  /**
   * The push service's URL for this browser: https, not a loopback or private address (unless the server runs with
   * PUSH_ALLOW_INSECURE_ENDPOINTS). Parley never fetches it at registration; only pushes are sent to it.
   * @example https://fcm.googleapis.com/fcm/send/dpH5lCsTSSM:APA91bHqjZxM0VImWWqDRN7U0a3AycjUf4O-byuxb_wJsKRaKvV
   */
  @IsString()
  @MaxLength(2048)
  endpoint!: string;

  /** When the push service will expire the subscription (ms since the epoch), if it says; informative only. */
  @ApiProperty({ type: 'integer', format: 'int64', nullable: true, required: false })
  @IsOptional()
  @IsInt()
  expirationTime?: number | null;

  @IsDefined()
  @ValidateNested()
  @Type(() => PushSubscriptionKeysDto)
  keys!: PushSubscriptionKeysDto;
}
