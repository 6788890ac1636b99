import { Global, Module } from '@nestjs/common';
import { EventBus } from './event-bus.js';

/* Global: any feature may publish without importing the listeners' modules. */
@Global()
@Module({ providers: [EventBus], exports: [EventBus] })
export class EventsModule {}
