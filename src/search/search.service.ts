import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../config/environment.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { keysetPage, MAX_BIGINT } from '../common/keyset-page.js';
import { PG_QUERY_CANCELED, pgErrorCode } from '../common/postgres-errors.js';
import { PreparedStatements } from '../database/prepared-statements.js';
import { toMessageDto } from '../messages/message.mapper.js';
import type { SearchPageDto } from './dto/search-page.dto.js';
import type { SearchQueryDto } from './dto/search-query.dto.js';
import { type SearchRow, searchStatement } from './search.queries.js';
import { hasTerms, highlightRanges, parseSearchTerms } from './search-terms.js';

@Injectable()
export class SearchService {
  private readonly timeoutMs: number;

  constructor(
    private readonly statements: PreparedStatements,
    config: ConfigService<Environment, true>,
  ) {
    this.timeoutMs = config.get('SEARCH_STATEMENT_TIMEOUT_MS', { infer: true });
  }

  async searchMessages(callerId: number, query: SearchQueryDto): Promise<SearchPageDto> {
    const before = query.cursor ? decodeCursor(query.cursor) : String(MAX_BIGINT);
    const terms = parseSearchTerms(query.q);
    if (!hasTerms(terms)) return { messages: [], next_cursor: null };
    const { text, values } = searchStatement(terms, callerId, query.user_id ?? null, before, query.limit + 1);
    let rows: SearchRow[];
    try {
      rows = await this.statements.transaction(async (tx) => {
        // SET LOCAL: this transaction's limit only, never the pooled connection's.
        await tx.client.query(`SET LOCAL statement_timeout = ${this.timeoutMs}`);
        return (await tx.client.query<SearchRow>(text, values)).rows;
      });
    } catch (error) {
      if (pgErrorCode(error) === PG_QUERY_CANCELED) {
        throw new ServiceUnavailableException('The search took too long; add words to narrow it, or try again');
      }
      throw error;
    }
    const page = keysetPage(rows, query.limit, (row) => row.id);
    return {
      messages: page.rows.map((row) => ({ ...toMessageDto(row), highlight: highlightRanges(row.body, terms) })),
      next_cursor: page.nextKey === null ? null : encodeCursor(page.nextKey),
    };
  }
}
