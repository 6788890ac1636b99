import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from './auth/auth.module.js';
import { ChatsModule } from './chats/chats.module.js';
import { AllExceptionsFilter } from './common/all-exceptions.filter.js';
import { type Environment, validateEnvironment } from './config/environment.js';
import { dataSourceOptions } from './database/data-source-options.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { MessagesModule } from './messages/messages.module.js';
import { RateLimitsModule } from './rate-limits/rate-limits.module.js';
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
        AuthModule,
        RateLimitsModule,
        UsersModule,
        MessagesModule,
        ChatsModule,
        HealthModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}
