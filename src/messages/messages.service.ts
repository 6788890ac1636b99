import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { PG_FOREIGN_KEY_VIOLATION, pgErrorCode } from '../common/postgres-errors.js';
import { PreparedStatements } from '../database/prepared-statements.js';
import { EventBus } from '../events/event-bus.js';
import type { MessageDto } from './dto/message.dto.js';
import type { BroadcastResultDto } from './dto/broadcast-result.dto.js';
import { toMessageDto } from './message.mapper.js';
import { BROADCAST, FIND_BY_CLIENT_KEY, SEND } from './message.queries.js';

export interface SendOptions {
  /** The idempotency key: a second send with it returns the first message. */
  clientKey?: string;
  /** The sender's socket that made the request: the live announcement skips it. */
  originSocketId?: string;
}

export interface SentMessage {
  message: MessageDto;
  replayed: boolean;
}

@Injectable()
export class MessagesService {
  constructor(
    private readonly statements: PreparedStatements,
    private readonly events: EventBus,
  ) {}

  /**
   * Stores a message, or with a client key already used by this sender,
   * returns the message stored the first time (`replayed`).
   */
  async sendMessage(
    senderId: number,
    recipientId: number,
    text: string,
    { clientKey, originSocketId }: SendOptions = {},
  ): Promise<SentMessage> {
    if (senderId === recipientId) {
      throw new BadRequestException('You cannot send a message to yourself');
    }
    try {
      let [row] = await this.statements.rows(SEND, [senderId, recipientId, text, clientKey ?? null]);
      // No row only when the key was taken, possibly by a send committed after this statement began:
      // a second statement sees it.
      if (!row && clientKey) [row] = await this.statements.rows(FIND_BY_CLIENT_KEY, [senderId, clientKey]);
      const message = toMessageDto(row);
      // Announced once: a replay returns what was announced the first time.
      if (!row.replayed) this.events.publish('message.sent', { message, originSocketId });
      return { message, replayed: row.replayed };
    } catch (error) {
      if (pgErrorCode(error) === PG_FOREIGN_KEY_VIOLATION) {
        throw new NotFoundException(`No user has id ${recipientId}`);
      }
      throw error;
    }
  }

  /** One message to every other user, in one statement (one transaction). */
  async sendToAll(senderId: number, text: string): Promise<BroadcastResultDto> {
    const [{ sent, created }] = await this.statements.rows(BROADCAST, [senderId, text]);
    if (sent > 0) this.events.publish('broadcast.sent', { senderId, text, created });
    return { sent };
  }
}
