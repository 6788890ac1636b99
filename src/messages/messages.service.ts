import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PG_FOREIGN_KEY_VIOLATION, pgErrorCode } from '../common/postgres-errors.js';
import type { MessageDto } from './dto/message.dto.js';
import type { BroadcastResultDto } from './dto/send-message.dto.js';
import { type MessageRow, toMessageDto } from './message.mapper.js';
import { BROADCAST_SQL, SEND_SQL } from './message.queries.js';

@Injectable()
export class MessagesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async sendMessage(senderId: number, recipientId: number, text: string): Promise<MessageDto> {
    if (senderId === recipientId) {
      throw new BadRequestException('You cannot send a message to yourself');
    }
    try {
      const rows: MessageRow[] = await this.dataSource.query(SEND_SQL, [senderId, recipientId, text]);
      return toMessageDto(rows[0]);
    } catch (error) {
      if (pgErrorCode(error) === PG_FOREIGN_KEY_VIOLATION) {
        throw new NotFoundException(`No user has id ${recipientId}`);
      }
      throw error;
    }
  }

  /** One message to every other user, in one statement (one transaction). */
  async sendToAll(senderId: number, text: string): Promise<BroadcastResultDto> {
    const rows: BroadcastResultDto[] = await this.dataSource.query(BROADCAST_SQL, [senderId, text]);
    return { sent: rows[0].sent };
  }
}
