import { ApiInt32 } from '../../../common/api-integer.decorator.js';

export class PushSubscriptionCreatedDto {
  /**
   * The subscription's id, for DELETE /push/subscriptions/{id}; the same id when the endpoint was registered before.
   * @example 1
   */
  @ApiInt32()
  id!: number;
}
