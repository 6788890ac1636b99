/*
 * The DataSource the TypeORM CLI uses (npm run migration:*). It reads
 * DATABASE_URL; build first, the CLI loads the compiled dist/ormconfig.js.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './src/data-source-options.js';

const url = process.env.DATABASE_URL;
if (!url) {
  throw new Error('DATABASE_URL must be set for the migration CLI');
}

export default new DataSource(dataSourceOptions(url));
