import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { BlocksModule } from '../blocks/blocks.module.js';
import { UsersModule } from '../users/users.module.js';
import { Presence } from './presence.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { RealtimeRelay } from './realtime.relay.js';

/*
 * Top level: listens to the features' events and owns every socket; no feature imports it. Presence is exported
 * for the offline pushes (src/notifications), which ask whether a user is connected anywhere.
 */
@Module({
  imports: [AuthModule, UsersModule, BlocksModule],
  providers: [RealtimeGateway, RealtimeRelay, Presence],
  exports: [Presence],
})
export class RealtimeModule {}
