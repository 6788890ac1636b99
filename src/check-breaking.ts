/*
 * CI's breaking-change gate: compares openapi.json with the last released spec and fails on any break
 * that clients/breaking-changes.approved.json does not list. On a release, the released file becomes
 * a copy of openapi.json and the approved list empties.
 */
import { readFileSync } from 'node:fs';
import { findBreakingChanges, type OpenApiDocument } from './docs/breaking-changes.js';

const RELEASED = 'clients/openapi.released.json';
const APPROVED = 'clients/breaking-changes.approved.json';

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

const breaks = findBreakingChanges(readJson(RELEASED) as OpenApiDocument, readJson('openapi.json') as OpenApiDocument);
const approved = new Set((readJson(APPROVED) as { change: string }[]).map((entry) => entry.change));
const unapproved = breaks.filter((change) => !approved.has(change));

for (const change of breaks.filter((c) => approved.has(c))) console.log(`approved break: ${change}`);
if (unapproved.length > 0) {
  console.error(`openapi.json breaks clients of ${RELEASED}:`);
  for (const change of unapproved) console.error(`  ${change}`);
  console.error(`Keep the old contract, or list each line in ${APPROVED} with the reason.`);
  process.exit(1);
}
console.log(`no unapproved breaking change against ${RELEASED}`);
