import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { keysetPage } from '../common/keyset-page.js';
import { PreparedStatements } from '../database/prepared-statements.js';
import { EventBus } from '../events/event-bus.js';
import { MessagesService } from '../messages/messages.service.js';
import { UsersService } from '../users/users.service.js';
import type { CreateReportDto } from './dto/create-report.dto.js';
import type { ListReportsQueryDto } from './dto/list-reports-query.dto.js';
import type { ReportDto, ReportPageDto, ReportReceiptDto } from './dto/report.dto.js';
import type { ResolveReportDto } from './dto/resolve-report.dto.js';
import {
  CREATE_REPORT,
  FIND_REPORT,
  LIST_REPORTS,
  type ReportRow,
  RESOLVE_BY_SUSPENDING,
  RESOLVE_REPORT,
  type ResolveParams,
  UNSUSPEND,
} from './moderation.queries.js';
import { OutboxSwitch } from '../outbox/outbox-switch.js';
import { ReplicaReads } from '../database/replicas/replica-reads.js';

function toReportDto(row: ReportRow): ReportDto {
  return {
    id: Number(row.id),
    status: row.status,
    reason: row.reason,
    details: row.details,
    created: row.created,
    reporter_id: row.reporter_id,
    reported_user: {
      id: row.reported_user_id,
      username: row.current_username ?? '',
      deleted: row.deleted,
      suspended: row.suspended,
    },
    reported_username: row.reported_username,
    message_id: row.message_id === null ? null : Number(row.message_id),
    message_text: row.message_text,
    resolution:
      row.resolution === null
        ? null
        : {
            action: row.resolution,
            note: row.resolution_note,
            moderator_id: row.resolved_by,
            resolved_at: row.resolved_at as string,
          },
  };
}

@Injectable()
export class ModerationService {
  constructor(
    private readonly statements: PreparedStatements,
    private readonly events: EventBus,
    private readonly messages: MessagesService,
    private readonly users: UsersService,
    private readonly outbox: OutboxSwitch,
    private readonly reads: ReplicaReads,
  ) {}

  /** Stores a report with its evidence; it blocks nothing and tells the reported user nothing. */
  async report(reporterId: number, dto: CreateReportDto): Promise<ReportReceiptDto> {
    if (dto.user_id === reporterId) throw new BadRequestException('You cannot report yourself');
    const messageId = dto.message_id ?? null;
    const row = await this.statements.row(CREATE_REPORT, [
      reporterId,
      dto.user_id,
      messageId,
      dto.reason,
      dto.details ?? null,
      this.outbox.enabled,
    ]);
    if (!row) {
      await this.users.assertExists(dto.user_id);
      throw new NotFoundException(`No message has id ${messageId}`);
    }
    return { id: Number(row.id), status: row.status, created: row.created };
  }

  /** One status's reports, oldest first. */
  async listReports(query: ListReportsQueryDto): Promise<ReportPageDto> {
    const after = query.cursor ? decodeCursor(query.cursor) : '0';
    const rows = await this.statements.rows(LIST_REPORTS, [query.status, after, query.limit + 1]);
    const page = keysetPage(rows, query.limit, (row) => row.id);
    return {
      reports: page.rows.map(toReportDto),
      next_cursor: page.nextKey === null ? null : encodeCursor(page.nextKey),
    };
  }

  /** Decides an open report: its action, its resolution and its audit row commit together. */
  async resolve(moderatorId: number, reportId: number, dto: ResolveReportDto): Promise<ReportDto> {
    const report = await this.findOpenReport(reportId);
    const params: ResolveParams = [reportId, moderatorId, dto.action, dto.note ?? null];
    if (dto.action === 'delete_message') await this.resolveByDeleting(report, params);
    else if (dto.action === 'suspend_user') await this.resolveBySuspending(report, params);
    else if (!(await this.statements.row(RESOLVE_REPORT, params))) throw this.alreadyResolved();
    return toReportDto(await this.findReport(reportId));
  }

  private async resolveByDeleting(report: ReportRow, params: ResolveParams): Promise<void> {
    if (report.message_id === null) {
      throw new BadRequestException('This report names no message; delete_message cannot resolve it');
    }
    // Resolved by someone else meanwhile: the throw rolls the delete back with it.
    await this.messages.deleteAsModerator(Number(report.message_id), async (tx) => {
      if ((await tx.rows(RESOLVE_REPORT, params)).length === 0) throw this.alreadyResolved();
    });
  }

  private async resolveBySuspending(report: ReportRow, params: ResolveParams): Promise<void> {
    const [, moderatorId] = params;
    if (report.reported_user_id === moderatorId) throw new BadRequestException('You cannot suspend yourself');
    const row = await this.statements.row(RESOLVE_BY_SUSPENDING, params);
    if (!row) throw this.alreadyResolved();
    await this.reads.afterWrite('directory'); // its sessions ended: no longer active in GET /users
    // After the commit: every instance ends the account's sockets (session.revoked, then a disconnect).
    this.events.publish('user.sessions.revoked', { userId: row.reported_user_id, reason: 'suspended' });
  }

  /** Lets a suspended account log in again; its ended sessions stay ended. */
  async unsuspend(moderatorId: number, userId: number): Promise<void> {
    if (!(await this.statements.row(UNSUSPEND, [userId, moderatorId]))) {
      throw new NotFoundException(`No user has id ${userId}`);
    }
  }

  private async findReport(reportId: number): Promise<ReportRow> {
    const row = await this.statements.row(FIND_REPORT, [reportId]);
    if (!row) throw new NotFoundException(`No report has id ${reportId}`);
    return row;
  }

  private async findOpenReport(reportId: number): Promise<ReportRow> {
    const row = await this.findReport(reportId);
    if (row.status !== 'open') throw this.alreadyResolved();
    return row;
  }

  private alreadyResolved(): ConflictException {
    return new ConflictException('This report is already resolved');
  }
}
