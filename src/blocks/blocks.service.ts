import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { keysetPage } from '../common/keyset-page.js';
import type { PageQueryDto } from '../common/page-query.dto.js';
import { PreparedStatements } from '../database/prepared-statements.js';
import { ReplicaReads } from '../database/replicas/replica-reads.js';
import { EventBus } from '../events/event-bus.js';
import type { UserPageDto } from '../users/dto/user-page.dto.js';
import { BLOCK, BLOCK_BETWEEN, BLOCKERS_AMONG, LIST_BLOCKED, UNBLOCK } from './block.queries.js';

@Injectable()
export class BlocksService {
  constructor(
    private readonly statements: PreparedStatements,
    private readonly reads: ReplicaReads,
    private readonly events: EventBus,
  ) {}

  /** Blocks `blockedId`; blocking again changes nothing. Nobody is told, the blocked user least of all. */
  async block(blockerId: number, blockedId: number): Promise<void> {
    if (blockerId === blockedId) throw new BadRequestException('You cannot block yourself');
    const [{ found }] = await this.statements.rows(BLOCK, [blockerId, blockedId]);
    if (!found) throw new NotFoundException(`No user has id ${blockedId}`);
    // GET /users shows the blocked user the blocker as presence does: never active, from their next read on.
    await this.reads.afterWrite([blockerId, blockedId]);
    this.events.publish('user.blocked', { blockerId, blockedId });
  }

  /** Lifts a block; lifting one that is not there changes nothing. */
  async unblock(blockerId: number, blockedId: number): Promise<void> {
    await this.statements.rows(UNBLOCK, [blockerId, blockedId]);
    await this.reads.afterWrite([blockerId, blockedId]);
  }

  /** The users the caller blocked, in id order, paged like GET /users. */
  async listBlocked(blockerId: number, query: PageQueryDto): Promise<UserPageDto> {
    const after = query.cursor ? decodeCursor(query.cursor) : '0';
    const rows = await this.statements.rows(LIST_BLOCKED, [blockerId, after, query.limit + 1]);
    const page = keysetPage(rows, query.limit, (row) => row.id);
    return {
      users: page.rows.map(({ id, username, active, last_seen_at }) => ({ id, username, active, last_seen_at })),
      next_cursor: page.nextKey === null ? null : encodeCursor(page.nextKey),
    };
  }

  /** Whether either user blocked the other. */
  async blockedBetween(userA: number, userB: number): Promise<boolean> {
    const [{ blocked }] = await this.statements.rows(BLOCK_BETWEEN, [userA, userB]);
    return blocked;
  }

  /** Of `userIds`, the ones who blocked `viewerId`. */
  async blockersAmong(viewerId: number, userIds: number[]): Promise<Set<number>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.statements.rows(BLOCKERS_AMONG, [viewerId, userIds]);
    return new Set(rows.map((row) => row.blocker_id));
  }
}
