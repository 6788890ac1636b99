import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { PG_FOREIGN_KEY_VIOLATION, pgErrorCode } from '../common/postgres-errors.js';
import { PreparedStatements } from '../database/prepared-statements.js';
import type { MessageDto } from './dto/message.dto.js';
import type { BroadcastResultDto } from './dto/send-message.dto.js';
import { type MessageRow, toMessageDto } from './message.mapper.js';
import { BROADCAST, FIND_BY_CLIENT_KEY, SEND } from './message.queries.js';

interface SentRow extends MessageRow {
  replayed: boolean;
}

export interface SentMessage {
  message: MessageDto;
  replayed: boolean;
}

@Injectable()
export class MessagesService {
  constructor(private readonly statements: PreparedStatements) {}

  /**
   * Stores a message, or with a client key already used by this sender,
   * returns the message stored the first time (`replayed`).
   */
  async sendMessage(senderId: number, recipientId: number, text: string, clientKey?: string): Promise<SentMessage> {
    if (senderId === recipientId) {
      throw new BadRequestException('You cannot send a message to yourself');
    }
    try {
      const rows = await this.statements.rows<SentRow>(SEND, [senderId, recipientId, text, clientKey ?? null]);
      // Empty only when the key was taken, possibly by a send committed after this statement began:
      // a second statement sees it.
      const row = rows[0] ?? (await this.statements.rows<SentRow>(FIND_BY_CLIENT_KEY, [senderId, clientKey]))[0];
      return { message: toMessageDto(row), replayed: row.replayed };
    } catch (error) {
      if (pgErrorCode(error) === PG_FOREIGN_KEY_VIOLATION) {
        throw new NotFoundException(`No user has id ${recipientId}`);
      }
      throw error;
    }
  }

  /** One message to every other user, in one statement (one transaction). */
  async sendToAll(senderId: number, text: string): Promise<BroadcastResultDto> {
    const [{ sent }] = await this.statements.rows<BroadcastResultDto>(BROADCAST, [senderId, text]);
    return { sent };
  }
}
