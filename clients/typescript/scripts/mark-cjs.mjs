/*
 * dist/cjs holds the CommonJS build (tsconfig.cjs.json) inside a package of "type": "module": this nested
 * package.json tells Node, Jest and bundlers that its .js files are CommonJS, and its .d.ts files CommonJS types.
 */
import { writeFileSync } from 'node:fs';

writeFileSync(new URL('../dist/cjs/package.json', import.meta.url), '{ "type": "commonjs" }\n');
