/*
 * Writes the OpenAPI document to openapi.json and the AsyncAPI document of the
 * socket events to asyncapi.json, with sorted keys, or with --check fails when
 * a committed file differs from what the code generates.
 * Run from dist (npm run openapi): the spec relies on the Swagger CLI plugin.
 */
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { createApp } from './app.setup.js';
import { buildEventsDocument, buildOpenApiDocument } from './docs/openapi.js';

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
  // The routes without a database: the app connects only when told to (connectDatabase), which this never does.
  const app = await createApp('postgres://unused/unused', { logger: false });
  const specs = { 'openapi.json': buildOpenApiDocument(app), 'asyncapi.json': buildEventsDocument(app) };
  for (const [file, document] of Object.entries(specs)) {
    const spec = `${JSON.stringify(sortKeys(document), null, 2)}\n`;
    if (process.argv.includes('--check')) {
      if (readFileSync(file, 'utf8') !== spec) {
        console.error(`${file} is out of date: run \`npm run openapi\` and commit it`);
        process.exit(1);
      }
      console.log(`${file} matches the code`);
    } else {
      writeFileSync(file, spec);
      console.log(`wrote ${file}`);
    }
  }
  await app.close();
}

void main();
