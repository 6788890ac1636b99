/*
 * The composition of the schema: every feature's entity and every migration.
 * One definition for the app, the migration CLI (ormconfig.ts) and the tests.
 */
import type { DataSourceOptions } from 'typeorm';
import { Session } from './auth/session.entity.js';
import { Chat } from './chats/chat.entity.js';
import { Message } from './messages/message.entity.js';
import { User } from './users/user.entity.js';
import { Block } from './blocks/block.entity.js';
import { ModerationAction } from './moderation/moderation-action.entity.js';
import { Report } from './moderation/report.entity.js';
import { PushSubscription } from './notifications/push/push-subscription.entity.js';
import { OutboxEvent } from './outbox/outbox-event.entity.js';
import { Attachment, BlobSweep } from './attachments/attachment.entity.js';
import { MessageSearch, SearchPending } from './search/message-search.entity.js';
import { InitialSchema1764000000000 } from './database/migrations/1764000000000-InitialSchema.js';
import { MessageIdempotencyKey1764100000000 } from './database/migrations/1764100000000-MessageIdempotencyKey.js';
import { LeanBroadcastWrites1764200000000 } from './database/migrations/1764200000000-LeanBroadcastWrites.js';
import { ChatListIndexOnly1764300000000 } from './database/migrations/1764300000000-ChatListIndexOnly.js';
import { ChatChangeLog1764400000000 } from './database/migrations/1764400000000-ChatChangeLog.js';
import { MessageChanges1764500000000 } from './database/migrations/1764500000000-MessageChanges.js';
import { SafetyAndAccounts1764600000000 } from './database/migrations/1764600000000-SafetyAndAccounts.js';
import { OfflineReach1764700000000 } from './database/migrations/1764700000000-OfflineReach.js';
import { Attachments1764800000000 } from './database/migrations/1764800000000-Attachments.js';
import { MessageSearch1764900000000 } from './database/migrations/1764900000000-MessageSearch.js';

export const entities = [
  User,
  Session,
  Message,
  Chat,
  Block,
  Report,
  ModerationAction,
  OutboxEvent,
  PushSubscription,
  Attachment,
  BlobSweep,
  MessageSearch,
  SearchPending,
];
export const migrations = [
  InitialSchema1764000000000,
  MessageIdempotencyKey1764100000000,
  LeanBroadcastWrites1764200000000,
  ChatListIndexOnly1764300000000,
  ChatChangeLog1764400000000,
  MessageChanges1764500000000,
  SafetyAndAccounts1764600000000,
  OfflineReach1764700000000,
  Attachments1764800000000,
  MessageSearch1764900000000,
];

export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    extra: {
      max: poolSize,
      // Every connection, once opened, stays open: pg closes a connection idle for idleTimeoutMillis (10 s)
      // unless the pool is at `min`, and each one it closes costs the first request after a lull a new
      // connection and every named statement prepared again (p99 of the first second after 30 s idle was
      // 2.4–3.3× the warm p99; docs/performance.md). A pool of `max` connections is what the database must
      // allow for anyway under load.
      min: poolSize,
      // Fail fast while the database is unreachable (answered as 503), and never let a query hang.
      connectionTimeoutMillis: 2_000,
      statement_timeout: 10_000,
    },
  };
}
