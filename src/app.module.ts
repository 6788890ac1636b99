import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from './accounts/accounts.module.js';
import { AttachmentsModule } from './attachments/attachments.module.js';
import { AuthModule } from './auth/auth.module.js';
import { BlocksModule } from './blocks/blocks.module.js';
import { TokenGuard } from './auth/token.guard.js';
import { ChatsModule } from './chats/chats.module.js';
import { AllExceptionsFilter } from './common/all-exceptions.filter.js';
import { type Environment, validateEnvironment } from './config/environment.js';
import { dataSourceOptions } from './data-source-options.js';
import { DatabaseModule } from './database/database.module.js';
import { EventsModule } from './events/events.module.js';
import { HealthModule } from './health/health.module.js';
import { MessagesModule } from './messages/messages.module.js';
import { ModerationModule } from './moderation/moderation.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { OutboxModule } from './outbox/outbox.module.js';
import { QueueModule } from './queue/queue.module.js';
import { RateLimitGuard } from './rate-limits/rate-limit.guard.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { RedisModule } from './redis/redis.module.js';
import { SearchModule } from './search/search.module.js';
import { UsersModule } from './users/users.module.js';

@Module({})
export class AppModule {
  /** `databaseUrl` is DATABASE_URL or the embedded server's, resolved before the app starts. */
  static forDatabase(databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // The process environment only (main.ts reads it before Nest starts): one source of truth.
        ConfigModule.forRoot({ isGlobal: true, cache: true, ignoreEnvFile: true, validate: validateEnvironment }),
        TypeOrmModule.forRootAsync({
          inject: [ConfigService],
          // Connected by connectDatabase() once the app is up, so a database that is down at boot is retried, not fatal.
          useFactory: (config: ConfigService<Environment, true>) => ({
            ...dataSourceOptions(databaseUrl, config.get('DB_POOL_SIZE', { infer: true })),
            manualInitialization: true,
          }),
        }),
        DatabaseModule,
        EventsModule,
        OutboxModule,
        QueueModule,
        RedisModule,
        AuthModule,
        UsersModule,
        AttachmentsModule,
        MessagesModule,
        BlocksModule,
        ChatsModule,
        ModerationModule,
        AccountsModule,
        HealthModule,
        RealtimeModule,
        NotificationsModule,
        SearchModule,
      ],
      providers: [
        // Global guards run in the order they are registered: the token guard first, so that the
        // rate-limit guard can count sends per caller (`request.user`), and no anonymous request
        // reaches a per-user limit.
        { provide: APP_GUARD, useExisting: TokenGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
    };
  }
}
