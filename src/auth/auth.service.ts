import { ConflictException, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { hash, verify } from '@node-rs/argon2';
import type { AuthUser } from '../common/caller/auth-user.js';
import { PG_UNIQUE_VIOLATION, pgConstraint, pgErrorCode } from '../common/postgres-errors.js';
import type { Environment } from '../config/environment.js';
import { PreparedStatements } from '../database/prepared-statements.js';
import { ReplicaReads } from '../database/replicas/replica-reads.js';
import type { CurrentUserDto } from '../users/dto/current-user.dto.js';
import { EventBus } from '../events/event-bus.js';
import type { ChangePasswordDto } from './dto/change-password.dto.js';
import type { LoginDto } from './dto/login.dto.js';
import type { SessionDto } from './dto/session.dto.js';
import type { SignupDto } from './dto/signup.dto.js';
import {
  AUTHENTICATE,
  CHANGE_PASSWORD,
  CLOSE_ALL_SESSIONS,
  CLOSE_SESSION,
  FIND_CREDENTIALS,
  FIND_PASSWORD_HASH,
  OPEN_SESSION,
  type ProfileRow,
  SIGN_UP,
  TOUCH_LAST_SEEN,
} from './session.queries.js';
import { generateToken, hashToken } from './tokens.js';
import { OutboxSwitch } from '../outbox/outbox-switch.js';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

function toCurrentUserDto(row: ProfileRow): CurrentUserDto {
  return { id: row.user_id, username: row.username, email: row.email, created_at: row.created_at };
}

/* Passwords: @node-rs/argon2's default is argon2id with a random salt per hash. */
@Injectable()
export class AuthService {
  /* Verified when a username is unknown, so a failed login takes as long whether or not the user exists. */
  private readonly decoyHash = hash('decoy password');
  private readonly tokenTtlSeconds: number;

  constructor(
    private readonly statements: PreparedStatements,
    private readonly events: EventBus,
    private readonly outbox: OutboxSwitch,
    private readonly reads: ReplicaReads,
    config: ConfigService<Environment, true>,
  ) {
    this.tokenTtlSeconds = config.get('TOKEN_TTL', { infer: true });
  }

  async signup(dto: SignupDto): Promise<SessionDto> {
    const passwordHash = await hash(dto.password_1);
    const token = generateToken();
    try {
      const [user] = await this.statements.rows(SIGN_UP, [
        dto.username,
        dto.email,
        passwordHash,
        hashToken(token),
        this.tokenTtlSeconds,
        this.outbox.enabled,
      ]);
      // A new user, active: GET /users of everyone else lists them from here on (docs/replicas.md).
      await this.reads.afterWrite('directory');
      return { token, user: toCurrentUserDto(user) };
    } catch (error) {
      if (pgErrorCode(error) === PG_UNIQUE_VIOLATION) {
        const field = pgConstraint(error) === 'users_email_lower_key' ? 'email' : 'username';
        throw new ConflictException(`That ${field} is already taken`);
      }
      throw error;
    }
  }

  async login(dto: LoginDto): Promise<SessionDto> {
    const user = await this.statements.row(FIND_CREDENTIALS, [dto.username]);
    const passwordMatches = await verify(user?.password_hash ?? (await this.decoyHash), dto.password);
    if (!user || !passwordMatches) {
      throw new UnauthorizedException('Wrong username or password');
    }
    // Told only to the account's owner (the password matched): a suspension is not announced to strangers.
    if (user.suspended) throw new ForbiddenException('This account is suspended');
    const token = generateToken();
    await this.statements.rows(OPEN_SESSION, [user.user_id, hashToken(token), this.tokenTtlSeconds]);
    await this.reads.afterWrite('directory');
    return { token, user: toCurrentUserDto(user) };
  }

  async logout(sessionId: string): Promise<void> {
    await this.statements.rows(CLOSE_SESSION, [sessionId]);
    await this.reads.afterWrite('directory');
    this.events.publish('session.revoked', { sessionId, reason: 'logout' });
  }

  async logoutEverywhere(userId: number): Promise<void> {
    await this.statements.rows(CLOSE_ALL_SESSIONS, [userId]);
    await this.reads.afterWrite('directory');
    this.events.publish('user.sessions.revoked', { userId, reason: 'logout_all' });
  }

  /** A stolen session must not outlive a password change: every other session ends with it. */
  async changePassword(caller: AuthUser, dto: ChangePasswordDto): Promise<void> {
    const user = await this.statements.row(FIND_PASSWORD_HASH, [caller.id]);
    if (!user || !(await verify(user.password_hash, dto.current_password))) {
      throw new ForbiddenException('The current password is wrong');
    }
    const passwordHash = await hash(dto.new_password_1);
    await this.statements.rows(CHANGE_PASSWORD, [caller.id, passwordHash, caller.sessionId]);
    this.events.publish('user.sessions.revoked', {
      userId: caller.id,
      exceptSessionId: caller.sessionId,
      reason: 'password_changed',
    });
  }

  /** The user behind a live token, or null. One indexed read; a rare write to keep last_seen_at fresh. */
  async authenticate(token: string): Promise<AuthUser | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    const row = await this.statements.row(AUTHENTICATE, [hashToken(token)]);
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
      role: row.role,
    };
  }
}
