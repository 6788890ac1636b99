/*
 * Connecting at boot. The app listens first and connects after, retrying with
 * backoff for as long as it takes: a database that is down at start (or still
 * starting, as in docker compose) is logged on every attempt, /health answers
 * 503 meanwhile, and requests get 503 rather than a crash-looping process.
 */
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 15_000;

/** Initializes the DataSource and applies pending migrations, retrying until both succeed. */
export async function connectDatabase(dataSource: DataSource, logger = new Logger('Database')): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      if (!dataSource.isInitialized) await dataSource.initialize();
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      logger.log(`Connected; migrations applied now: ${applied.length}`);
      return;
    } catch (error) {
      const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (attempt - 1));
      logger.warn(
        `Attempt ${attempt} failed (${error instanceof Error ? error.message : String(error)}); retrying in ${delay} ms`,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
