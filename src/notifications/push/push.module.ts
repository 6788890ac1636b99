import { Module } from '@nestjs/common';
import { PushSender } from './push-sender.js';
import { PushSubscriptionsController } from './push-subscriptions.controller.js';
import { PushSubscriptionsService } from './push-subscriptions.service.js';
import { VapidKeys } from './vapid-keys.js';

/** Browsers' push subscriptions, and the one way a push leaves (PushSender). */
@Module({
  controllers: [PushSubscriptionsController],
  providers: [PushSubscriptionsService, PushSender, VapidKeys],
  exports: [PushSender, VapidKeys],
})
export class PushModule {}
