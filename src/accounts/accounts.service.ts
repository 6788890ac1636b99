import { ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { verify } from '@node-rs/argon2';
import QueryStream from 'pg-query-stream';
import { FIND_PASSWORD_HASH } from '../auth/session.queries.js';
import type { AuthUser } from '../common/caller/auth-user.js';
import { PreparedStatements, runPrepared } from '../database/prepared-statements.js';
import { ReplicaReads } from '../database/replicas/replica-reads.js';
import { EventBus } from '../events/event-bus.js';
import { ERASE_ACCOUNT, EXPORT_HEAD, EXPORT_MESSAGES, LOCK_ACCOUNT } from './account.queries.js';
import { ExportStream } from './export-stream.js';
import { OutboxSwitch } from '../outbox/outbox-switch.js';

/** Rows per FETCH of the export's cursor: what the process holds of the messages at any time. */
const EXPORT_BATCH_ROWS = 500;

@Injectable()
export class AccountsService {
  constructor(
    private readonly statements: PreparedStatements,
    private readonly reads: ReplicaReads,
    private readonly events: EventBus,
    private readonly outbox: OutboxSwitch,
  ) {}

  /**
   * Erases the caller's account (account.queries.ts, ERASE_ACCOUNT) once the password is confirmed, then ends its
   * sessions' sockets everywhere. The password is asked for again because the token alone may be a stolen one.
   */
  async deleteAccount(caller: AuthUser, password: string): Promise<void> {
    const user = await this.statements.row(FIND_PASSWORD_HASH, [caller.id]);
    if (!user?.password_hash || !(await verify(user.password_hash, password))) {
      throw new ForbiddenException('The password is wrong');
    }
    const erased = await this.statements.transaction(async (tx) => {
      await tx.rows(LOCK_ACCOUNT, [caller.id]);
      return (await tx.rows(ERASE_ACCOUNT, [caller.id, this.outbox.enabled]))[0];
    });
    // Deleted meanwhile by another request of the same user, which announced it.
    if (!erased) throw new UnauthorizedException('This account was deleted');
    // Every chat list that held this peer changed (a trigger deleted those rows): rare enough for a global position.
    await this.reads.afterWrite('everyone');
    this.events.publish('user.sessions.revoked', { userId: caller.id, reason: 'account_deleted' });
  }

  /**
   * Everything the service holds about the caller, as a stream of one JSON document. The head is read before the
   * stream is handed back, so a failure to start is an ordinary error answer; the rest reads from a cursor in the
   * same REPEATABLE READ transaction, on a connection of its own until the stream ends.
   */
  async exportAccount(userId: number): Promise<ExportStream> {
    const client = await this.statements.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      // The cursor's fetches are one statement to the server until the last (no Sync between them), so the pool's
      // statement_timeout would end any export that takes longer than it; a stalled reader is ExportStream's to end.
      await client.query('SET LOCAL statement_timeout = 0');
      const [{ head }] = await runPrepared(client, EXPORT_HEAD, [userId]);
      const rows = client.query(
        new QueryStream(EXPORT_MESSAGES.text, [userId], {
          batchSize: EXPORT_BATCH_ROWS,
          highWaterMark: EXPORT_BATCH_ROWS,
        }),
      );
      return new ExportStream(client, head, rows);
    } catch (error) {
      client.release(true);
      throw error;
    }
  }
}
