import { Injectable, NotFoundException } from '@nestjs/common';
import type { AuthUser } from '../common/caller/auth-user.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { keysetPage } from '../common/keyset-page.js';
import { PreparedStatements } from '../database/prepared-statements.js';
import { ReplicaReads } from '../database/replicas/replica-reads.js';
import type { CurrentUserDto } from './dto/current-user.dto.js';
import type { ListUsersQueryDto } from './dto/list-users-query.dto.js';
import type { UserPageDto } from './dto/user-page.dto.js';
import { LIST_USERS, USER_EXISTS } from './user.queries.js';

@Injectable()
export class UsersService {
  constructor(
    private readonly statements: PreparedStatements,
    private readonly reads: ReplicaReads,
  ) {}

  /** Everyone but the caller, in id order (keyset paging on the primary key). */
  async listUsers(callerId: number, query: ListUsersQueryDto): Promise<UserPageDto> {
    const after = query.cursor ? decodeCursor(query.cursor) : '0';
    const rows = await this.reads.read(
      callerId,
      LIST_USERS[query.type],
      [after, callerId, query.limit + 1],
      'directory',
    );
    const page = keysetPage(rows, query.limit, (row) => row.id);
    return {
      users: page.rows.map((row) => ({
        id: row.id,
        username: row.username,
        active: row.active,
        last_seen_at: row.last_seen_at,
      })),
      next_cursor: page.nextKey === null ? null : encodeCursor(page.nextKey),
    };
  }

  /** The profile the token guard already read with the session (on the primary): no query of its own. */
  getCurrentUser(caller: AuthUser): CurrentUserDto {
    return { id: caller.id, username: caller.username, email: caller.email, created_at: caller.createdAt };
  }

  /** Throws 404 unless a user has this id. */
  async assertExists(userId: number): Promise<void> {
    if (!(await this.statements.row(USER_EXISTS, [userId]))) throw new NotFoundException(`No user has id ${userId}`);
  }
}
