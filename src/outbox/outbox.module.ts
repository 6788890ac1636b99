import { Global, Module } from '@nestjs/common';
import { OutboxSwitch } from './outbox-switch.js';

@Global()
@Module({ providers: [OutboxSwitch], exports: [OutboxSwitch] })
export class OutboxModule {}
