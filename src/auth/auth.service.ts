import { ConflictException, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { hash, verify } from '@node-rs/argon2';
import { DataSource, type EntityManager } from 'typeorm';
import { PG_UNIQUE_VIOLATION, pgConstraint, pgErrorCode } from '../common/postgres-errors.js';
import type { Environment } from '../config/environment.js';
import { toCurrentUserDto } from '../users/user.mapper.js';
import { User } from '../users/user.entity.js';
import type { AuthUser } from './auth-user.js';
import type { ChangePasswordDto } from './dto/change-password.dto.js';
import type { LoginDto } from './dto/login.dto.js';
import type { SessionDto } from './dto/session.dto.js';
import type { SignupDto } from './dto/signup.dto.js';
import { PreparedStatements } from '../database/prepared-statements.js';
import {
  AUTHENTICATE,
  type AuthenticatedRow,
  CLOSE_ALL_SESSIONS_SQL,
  CLOSE_OTHER_SESSIONS_SQL,
  CLOSE_SESSION_SQL,
  OPEN_SESSION_SQL,
  TOUCH_LAST_SEEN,
} from './session.queries.js';
import { generateToken, hashToken } from './tokens.js';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/* Passwords: @node-rs/argon2's default is argon2id with a random salt per hash. */
@Injectable()
export class AuthService {
  /* Verified when a username is unknown, so a failed login takes as long whether or not the user exists. */
  private readonly decoyHash = hash('decoy password');
  private readonly tokenTtlSeconds: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly statements: PreparedStatements,
    config: ConfigService<Environment, true>,
  ) {
    this.tokenTtlSeconds = config.get('TOKEN_TTL', { infer: true });
  }

  async signup(dto: SignupDto): Promise<SessionDto> {
    const passwordHash = await hash(dto.password_1);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const user = await manager.save(
          manager.create(User, { username: dto.username, email: dto.email, passwordHash, lastSeenAt: new Date() }),
        );
        return { token: await this.openSession(manager, user.id), user: toCurrentUserDto(user) };
      });
    } catch (error) {
      if (pgErrorCode(error) === PG_UNIQUE_VIOLATION) {
        const field = pgConstraint(error) === 'users_email_lower_key' ? 'email' : 'username';
        throw new ConflictException(`That ${field} is already taken`);
      }
      throw error;
    }
  }

  async login(dto: LoginDto): Promise<SessionDto> {
    const user = await this.dataSource
      .getRepository(User)
      .createQueryBuilder('user')
      .where('lower(user.username) = lower(:username)', { username: dto.username })
      .getOne();
    const passwordMatches = await verify(user?.passwordHash ?? (await this.decoyHash), dto.password);
    if (!user || !passwordMatches) {
      throw new UnauthorizedException('Wrong username or password');
    }
    return this.dataSource.transaction(async (manager) => {
      await manager.update(User, user.id, { lastSeenAt: new Date() });
      return { token: await this.openSession(manager, user.id), user: toCurrentUserDto(user) };
    });
  }

  async logout(sessionId: string): Promise<void> {
    await this.dataSource.query(CLOSE_SESSION_SQL, [sessionId]);
  }

  async logoutEverywhere(userId: number): Promise<void> {
    await this.dataSource.query(CLOSE_ALL_SESSIONS_SQL, [userId]);
  }

  /** A stolen session must not outlive a password change: every other session ends with it. */
  async changePassword(caller: AuthUser, dto: ChangePasswordDto): Promise<void> {
    const user = await this.dataSource.getRepository(User).findOneByOrFail({ id: caller.id });
    if (!(await verify(user.passwordHash, dto.current_password))) {
      throw new ForbiddenException('The current password is wrong');
    }
    const passwordHash = await hash(dto.new_password_1);
    await this.dataSource.transaction(async (manager) => {
      await manager.update(User, user.id, { passwordHash });
      await manager.query(CLOSE_OTHER_SESSIONS_SQL, [user.id, caller.sessionId]);
    });
  }

  /** The user behind a live token, or null. One indexed read; a rare write to keep last_seen_at fresh. */
  async authenticate(token: string): Promise<AuthUser | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    const [row] = await this.statements.rows<AuthenticatedRow>(AUTHENTICATE, [hashToken(token)]);
    if (!row) return null;
    if (row.last_seen_stale) {
      await this.statements.rows(TOUCH_LAST_SEEN, [row.user_id]);
    }
    return {
      id: row.user_id,
      username: row.username,
      email: row.email,
      createdAt: row.created_at,
      sessionId: row.session_id,
    };
  }

  private async openSession(manager: EntityManager, userId: number): Promise<string> {
    const token = generateToken();
    await manager.query(OPEN_SESSION_SQL, [userId, hashToken(token), this.tokenTtlSeconds]);
    return token;
  }
}
