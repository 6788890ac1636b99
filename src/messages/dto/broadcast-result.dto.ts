import { ApiInt32 } from '../../common/api-integer.decorator.js';

export class BroadcastResultDto {
  /** How many users received the message. */
  @ApiInt32()
  sent!: number;
}
