import { ApiInt32 } from '../../common/api-integer.decorator.js';

export class MarkReadResultDto {
  /** How many messages were newly marked read. */
  @ApiInt32()
  updated!: number;
}
