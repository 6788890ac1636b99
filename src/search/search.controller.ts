import { Controller, Get, HttpStatus, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/caller/auth-user.js';
import { CurrentUser } from '../common/caller/current-user.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { RateLimited } from '../rate-limits/rate-limit.decorator.js';
import { SearchPageDto } from './dto/search-page.dto.js';
import { SearchQueryDto } from './dto/search-query.dto.js';
import { SearchService } from './search.service.js';

@ApiTags('search')
@Controller('search')
export class SearchController {
  constructor(private readonly searchService: SearchService) {}

  /**
   * Find messages in your own conversations, newest first, with where each matched.
   * @remarks Only the caller's conversations are searched. A message is findable moments after it is sent (it is
   * indexed after the commit; docs/search.md); an edited one by its new text only, a deleted one never again.
   * Pass `next_cursor` as `cursor` for older matches. 503 when the query would run too long: narrow it.
   */
  @Get('messages')
  @RateLimited('search')
  @ApiErrors(HttpStatus.BAD_REQUEST, {
    status: HttpStatus.SERVICE_UNAVAILABLE,
    description:
      'The search ran past SEARCH_STATEMENT_TIMEOUT_MS and was cancelled (narrow it), or the database is unavailable',
  })
  searchMessages(@CurrentUser() caller: AuthUser, @Query() query: SearchQueryDto): Promise<SearchPageDto> {
    return this.searchService.searchMessages(caller.id, query);
  }
}
