/*
 * The committed asyncapi.json (which `npm run openapi:check` keeps equal to
 * what the code builds) is a valid AsyncAPI 3 document that names every event
 * of the contract, with a payload schema for each.
 */
import { describe, expect, it } from '@jest/globals';
import { Parser } from '@asyncapi/parser';
import { readFileSync } from 'node:fs';
import { CLIENT_EVENTS, SERVER_EVENTS } from '../realtime/events.js';

/** DiagnosticSeverity.Error (@stoplight/types); the parser also reports warnings and hints. */
const SEVERITY_ERROR = 0;
const document = readFileSync('asyncapi.json', 'utf8');

describe('asyncapi.json', () => {
  it('is valid AsyncAPI 3 for @asyncapi/parser', async () => {
    const { document: parsed, diagnostics } = await new Parser().parse(document);
    expect(diagnostics.filter((d) => Number(d.severity) === SEVERITY_ERROR).map((d) => d.message)).toEqual([]);
    expect(parsed?.version()).toBe('3.0.0');
  });

  it('describes every event of the contract, each with an object payload', async () => {
    const { document: parsed } = await new Parser().parse(document);
    const operations = parsed!.operations().all();
    const received = operations
      .filter((o) => o.isReceive())
      .flatMap((o) =>
        o
          .messages()
          .all()
          .map((m) => m.name()),
      );
    const sent = operations
      .filter((o) => o.isSend())
      .flatMap((o) =>
        o
          .messages()
          .all()
          .map((m) => m.name()),
      );
    expect(received.sort()).toEqual(Object.values(SERVER_EVENTS).sort());
    expect(sent.sort()).toEqual(Object.values(CLIENT_EVENTS).sort());
    for (const message of parsed!.messages().all()) expect(message.payload()?.type()).toBe('object');
  });
});
