/*
 * Writes the OpenAPI document to openapi.json with sorted keys, or with
 * --check fails when the committed file differs from what the code generates.
 * Run from dist (npm run openapi): the spec relies on the Swagger CLI plugin.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { readFileSync, writeFileSync } from 'node:fs';
import { AppModule } from '../app.module.js';
import { buildOpenApiDocument } from './openapi.js';

const SPEC_FILE = 'openapi.json';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

async function main(): Promise<void> {
  // preview: the module graph and routes without connecting to a database.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forDatabase('postgres://unused/unused'), {
    preview: true,
    logger: false,
  });
  const spec = `${JSON.stringify(sortKeys(buildOpenApiDocument(app)), null, 2)}\n`;
  if (process.argv.includes('--check')) {
    if (readFileSync(SPEC_FILE, 'utf8') !== spec) {
      console.error(`${SPEC_FILE} is out of date: run \`npm run openapi\` and commit it`);
      process.exit(1);
    }
    console.log(`${SPEC_FILE} matches the code`);
  } else {
    writeFileSync(SPEC_FILE, spec);
    console.log(`wrote ${SPEC_FILE}`);
  }
  await app.close();
}

void main();
