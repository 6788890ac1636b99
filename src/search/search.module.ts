import { Module } from '@nestjs/common';
import { SearchController } from './search.controller.js';
import { SearchIndexer } from './search-indexer.js';
import { SearchService } from './search.service.js';

/*
 * Message search, above messages: it reads their rows and its own index of them (message_search), which the
 * messages' writes feed through triggers and the indexer fills after the commit.
 */
@Module({
  controllers: [SearchController],
  providers: [SearchService, SearchIndexer],
  exports: [SearchIndexer],
})
export class SearchModule {}
