import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  GoneException,
  Injectable,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  PARLEY_BLOCKED,
  PARLEY_RECIPIENT_DELETED,
  PARLEY_SENDER_DELETED,
  PG_FOREIGN_KEY_VIOLATION,
  pgErrorCode,
} from '../common/postgres-errors.js';
import type { Environment } from '../config/environment.js';
import { PreparedStatements, type StatementRunner } from '../database/prepared-statements.js';
import { ReplicaReads } from '../database/replicas/replica-reads.js';
import { EventBus } from '../events/event-bus.js';
import type { MessageDto } from './dto/message.dto.js';
import type { BroadcastResultDto } from './dto/broadcast-result.dto.js';
import { toMessageDto } from './message.mapper.js';
import {
  ADD_REACTION,
  BROADCAST,
  DELETE,
  DELETE_AS_MODERATOR,
  type DeletedRow,
  EDIT,
  FIND_BY_CLIENT_KEY,
  FIND_VISIBLE,
  REMOVE_REACTION,
  SEND,
  SEND_WITH_ATTACHMENTS,
  type VisibleRow,
} from './message.queries.js';
import { FIND_UPLOADS } from '../attachments/attachment.queries.js';
import { OutboxSwitch } from '../outbox/outbox-switch.js';

/** Distinct reactions one user may put on one message: a reaction flood cannot grow a row without bound. */
export const MAX_REACTIONS_PER_USER = 20;

export interface SendOptions {
  /** The idempotency key: a second send with it returns the first message. */
  clientKey?: string;
  /** The message this one replies to; null (which the validator lets through) is no reply, as absent is. */
  replyToId?: number | null;
  /** Uploads of the sender's to attach, in order; none: a text-only send. */
  attachmentIds?: string[];
  /** The sender's socket that made the request: the live announcement skips it. */
  originSocketId?: string;
}

export interface SentMessage {
  message: MessageDto;
  replayed: boolean;
}

/*
 * What parley_assert_can_message refused, as the client hears it. A block is told as no more than "you cannot
 * message this user", to either side: nobody learns who blocked whom from it.
 */
function conversationRefusal(error: unknown): Error | undefined {
  switch (pgErrorCode(error)) {
    case PARLEY_BLOCKED:
      return new ForbiddenException('You cannot message this user');
    case PARLEY_RECIPIENT_DELETED:
      return new GoneException('This account was deleted');
    case PARLEY_SENDER_DELETED:
      return new UnauthorizedException('The session token is unknown, revoked or expired');
    default:
      return undefined;
  }
}

function rethrowRefusal(error: unknown): never {
  throw conversationRefusal(error) ?? error;
}

/** Who may change a message, and within what time: its sender, within the window (0: any time). */
interface SenderRule {
  action: 'edit' | 'delete';
  windowSeconds: number;
}

@Injectable()
export class MessagesService {
  private readonly editWindowSeconds: number;
  private readonly deleteWindowSeconds: number;

  constructor(
    private readonly statements: PreparedStatements,
    private readonly reads: ReplicaReads,
    private readonly events: EventBus,
    private readonly outbox: OutboxSwitch,
    config: ConfigService<Environment, true>,
  ) {
    this.editWindowSeconds = config.get('MESSAGE_EDIT_WINDOW_SECONDS', { infer: true });
    this.deleteWindowSeconds = config.get('MESSAGE_DELETE_WINDOW_SECONDS', { infer: true });
  }

  /**
   * Stores a message, or with a client key already used by this sender,
   * returns the message stored the first time (`replayed`).
   */
  async sendMessage(
    senderId: number,
    recipientId: number,
    text: string,
    { clientKey, replyToId, attachmentIds = [], originSocketId }: SendOptions = {},
  ): Promise<SentMessage> {
    if (senderId === recipientId) {
      throw new BadRequestException('You cannot send a message to yourself');
    }
    if (replyToId !== undefined && replyToId !== null) await this.assertReplyable(senderId, recipientId, replyToId);
    try {
      const parameters = [
        senderId,
        recipientId,
        text,
        clientKey ?? null,
        replyToId ?? null,
        this.outbox.enabled,
      ] as const;
      let [row] = await (attachmentIds.length > 0
        ? this.statements.rows(SEND_WITH_ATTACHMENTS, [...parameters, attachmentIds])
        : this.statements.rows(SEND, parameters));
      // No row when the key was taken, possibly by a send committed after this statement began (a second
      // statement sees it), or when an attachment could not be taken.
      if (!row && clientKey) [row] = await this.statements.rows(FIND_BY_CLIENT_KEY, [senderId, clientKey]);
      if (!row) await this.explainUnattachable(senderId, attachmentIds);
      // Before the answer and the live event: whoever hears of it next reads it, on a replica or the primary.
      await this.reads.afterWrite([senderId, recipientId]);
      const message = toMessageDto(row);
      // Announced once: a replay returns what was announced the first time.
      if (!row.replayed) this.events.publish('message.sent', { message, originSocketId });
      return { message, replayed: row.replayed };
    } catch (error) {
      if (pgErrorCode(error) === PG_FOREIGN_KEY_VIOLATION) {
        throw new NotFoundException(`No user has id ${recipientId}`);
      }
      // A retry of a send stored before the block still returns what was stored.
      const refusal = conversationRefusal(error);
      if (refusal && clientKey && pgErrorCode(error) === PARLEY_BLOCKED) {
        const [stored] = await this.statements.rows(FIND_BY_CLIENT_KEY, [senderId, clientKey]);
        if (stored) return { message: toMessageDto(stored), replayed: true };
      }
      throw refusal ?? error;
    }
  }

  /** One message to every other user, in one statement (one transaction). */
  async sendToAll(senderId: number, text: string): Promise<BroadcastResultDto> {
    const [{ sent, created, skipped }] = await this.statements
      .rows(BROADCAST, [senderId, text, this.outbox.enabled])
      .catch(rethrowRefusal);
    if (sent > 0) {
      // Everyone's next read must see it: one global position rather than one per user.
      await this.reads.afterWrite('everyone');
      this.events.publish('broadcast.sent', { senderId, text, created, skippedUserIds: skipped });
    }
    return { sent };
  }

  /** Replaces the text of the caller's own message; the same text again changes nothing. */
  async editMessage(callerId: number, messageId: number, text: string, originSocketId?: string): Promise<MessageDto> {
    const [row] = await this.statements
      .rows(EDIT, [messageId, callerId, text, this.editWindowSeconds, this.outbox.enabled])
      .catch(rethrowRefusal);
    if (row) return await this.announceUpdate(toMessageDto(row), originSocketId);
    const current = await this.findForSender(callerId, messageId, {
      action: 'edit',
      windowSeconds: this.editWindowSeconds,
    });
    if (current.deleted_at !== null) throw new ConflictException('This message was deleted; it cannot be edited');
    return toMessageDto(current);
  }

  /** Deletes the caller's own message for everyone, leaving a tombstone; deleting it again changes nothing. */
  async deleteMessage(callerId: number, messageId: number, originSocketId?: string): Promise<void> {
    const [row] = await this.statements.rows(DELETE, [
      messageId,
      callerId,
      this.deleteWindowSeconds,
      this.outbox.enabled,
    ]);
    if (row) {
      await this.announceDelete(row, originSocketId);
      return;
    }
    // Nothing deleted: already a tombstone (fine), or not the caller's to delete.
    await this.findForSender(callerId, messageId, { action: 'delete', windowSeconds: this.deleteWindowSeconds });
  }

  /**
   * A moderator's delete for everyone: the message, whoever sent it and whenever, in one transaction with
   * `alongside` (the report's resolution and its audit row), so both commit or neither does. Announced after the
   * commit as its sender's delete is; a message already deleted, or gone, changes nothing.
   */
  async deleteAsModerator<T>(messageId: number, alongside: (tx: StatementRunner) => Promise<T>): Promise<T> {
    const { deleted, result } = await this.statements.transaction(async (tx) => {
      const [row] = await tx.rows(DELETE_AS_MODERATOR, [messageId, this.outbox.enabled]);
      return { deleted: row, result: await alongside(tx) };
    });
    if (deleted) await this.announceDelete(deleted, undefined);
    return result;
  }

  /** Adds the caller's reaction (either user of the conversation may react); adding it again changes nothing. */
  async addReaction(callerId: number, messageId: number, emoji: string, originSocketId?: string): Promise<void> {
    // The statement adds nothing when the reaction is there, the cap is reached or the message is gone; the re-read
    // says which. If it says none of them, the caller removed a reaction in between: the add is tried again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const [row] = await this.statements
        .rows(ADD_REACTION, [messageId, callerId, emoji, MAX_REACTIONS_PER_USER, this.outbox.enabled])
        .catch(rethrowRefusal);
      if (row) {
        await this.announceUpdate(toMessageDto(row), originSocketId);
        return;
      }
      const current = await this.findVisible(callerId, messageId);
      if (current.deleted_at !== null) throw new ConflictException('This message was deleted; it cannot be reacted to');
      const mine = (current.reactions ?? []).filter((reaction) => reaction.user_ids.includes(callerId));
      if (mine.some((reaction) => reaction.emoji === emoji)) return;
      if (mine.length >= MAX_REACTIONS_PER_USER) {
        throw new ConflictException(`You can put at most ${MAX_REACTIONS_PER_USER} different reactions on one message`);
      }
    }
    throw new ConflictException('The reactions on this message changed while adding yours; try again');
  }

  /** Removes the caller's reaction; removing one that is not there changes nothing. */
  async removeReaction(callerId: number, messageId: number, emoji: string, originSocketId?: string): Promise<void> {
    const [row] = await this.statements.rows(REMOVE_REACTION, [messageId, callerId, emoji, this.outbox.enabled]);
    if (row) await this.announceUpdate(toMessageDto(row), originSocketId);
    else await this.findVisible(callerId, messageId);
  }

  /** Records the position of both users of the conversation (ReplicaReads.afterWrite), then announces. */
  private async announceDelete(row: DeletedRow, originSocketId: string | undefined): Promise<void> {
    await this.reads.afterWrite([row.sender_id, row.recipient_id]);
    this.events.publish('message.deleted', {
      id: Number(row.id),
      senderId: row.sender_id,
      recipientId: row.recipient_id,
      deletedAt: row.deleted_at,
      originSocketId,
    });
  }

  /** Records the position of both users of the conversation (ReplicaReads.afterWrite), then announces. */
  private async announceUpdate(message: MessageDto, originSocketId: string | undefined): Promise<MessageDto> {
    await this.reads.afterWrite([message.sender_id, message.recipient_id]);
    this.events.publish('message.updated', { message, originSocketId });
    return message;
  }

  /** Why a send's uploads could not be attached: 404 for one that is not the sender's, 409 for one already sent. */
  private async explainUnattachable(senderId: number, attachmentIds: string[]): Promise<never> {
    const found = new Map(
      (await this.statements.rows(FIND_UPLOADS, [attachmentIds, senderId])).map((upload) => [upload.id, upload]),
    );
    for (const id of attachmentIds) {
      const upload = found.get(id);
      if (!upload) throw new NotFoundException(`No upload of yours has id ${id}`);
      if (upload.attached) throw new ConflictException(`Upload ${id} was already sent with another message`);
    }
    // Free and the sender's now: taken by a send that rolled back, or deleted in between. A retry decides.
    throw new ConflictException('The uploads changed while sending; try again');
  }

  /** The parent of a reply must be a message of the conversation the reply goes to. */
  private async assertReplyable(senderId: number, recipientId: number, replyToId: number): Promise<void> {
    const parent = await this.findVisible(senderId, replyToId);
    const peer = parent.sender_id === senderId ? parent.recipient_id : parent.sender_id;
    if (peer !== recipientId) {
      throw new BadRequestException('reply_to_id must be a message of your conversation with user_id');
    }
  }

  /** The message, if the caller is one of its two users; else 404, exactly as for an id that does not exist. */
  private async findVisible(callerId: number, messageId: number): Promise<VisibleRow> {
    const [row] = await this.statements.rows(FIND_VISIBLE, [messageId, callerId]);
    if (!row) throw new NotFoundException(`No message has id ${messageId}`);
    return row;
  }

  /** The message, if the caller may change it under `rule`: 404 if they cannot see it, 403 if it is not theirs to change. */
  private async findForSender(callerId: number, messageId: number, rule: SenderRule): Promise<VisibleRow> {
    const row = await this.findVisible(callerId, messageId);
    if (row.sender_id !== callerId) throw new ForbiddenException(`Only its sender can ${rule.action} a message`);
    if (row.deleted_at === null && rule.windowSeconds > 0 && row.age_seconds > rule.windowSeconds) {
      throw new ForbiddenException(
        `A message can be ${rule.action === 'edit' ? 'edited' : 'deleted'} only within ${rule.windowSeconds} seconds of sending`,
      );
    }
    return row;
  }
}
