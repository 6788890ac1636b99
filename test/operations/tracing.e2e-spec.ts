/*
 * Optional tracing as an operator who traces gets it: the built service with
 * OTEL_EXPORTER_OTLP_ENDPOINT pointing at an OTLP/HTTP receiver of this test
 * (node:http; the exporter POSTs JSON to <endpoint>/v1/traces). The
 * OpenTelemetry packages are dev dependencies for this test only: Parley does
 * not depend on them. Unset, the service loads none of them.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findFreePort } from '../../src/database/embedded-postgres.js';
import { startServiceProcess, waitFor } from '../faults/service-process.js';
import { signup } from '../support/process-api.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  scope: string;
  service: unknown;
}
const SERVER = 2; // OTLP's SPAN_KIND_SERVER
const requestRoutes = (spans: Span[]) =>
  spans.filter((span) => span.kind === SERVER).map((span) => span.attributes['http.route']);

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
const plain = (value: OtlpValue) => value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue;
const attributes = (list: OtlpAttribute[] = []) =>
  Object.fromEntries(list.map(({ key, value }) => [key, plain(value)]));

interface Receiver {
  endpoint: string;
  spans: Span[];
  contentTypes: Set<string | undefined>;
  close: () => Promise<void>;
}

/** An OTLP/HTTP trace receiver: every span of every POST to /v1/traces, flattened. */
async function startReceiver(): Promise<Receiver> {
  const spans: Span[] = [];
  const contentTypes = new Set<string | undefined>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/v1/traces') {
        contentTypes.add(request.headers['content-type']);
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        for (const resourceSpans of body.resourceSpans ?? []) {
          const service = attributes(resourceSpans.resource?.attributes)['service.name'];
          for (const scopeSpans of resourceSpans.scopeSpans ?? [])
            for (const span of scopeSpans.spans ?? [])
              spans.push({ ...span, attributes: attributes(span.attributes), scope: scopeSpans.scope?.name, service });
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    contentTypes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * NODE_OPTIONS that load, before the app, a module writing on exit every CommonJS module the process loaded to
 * `file` (the OpenTelemetry packages are CommonJS under Node: an import of one lands there too).
 */
function listLoadedModules(file: string): string {
  const requireFrom = pathToFileURL(join(process.cwd(), 'package.json')).href;
  const code =
    `import { createRequire } from 'node:module'; import { writeFileSync } from 'node:fs';` +
    `const { cache } = createRequire(${JSON.stringify(requireFrom)});` +
    `process.on('exit', () => writeFileSync(${JSON.stringify(file)}, Object.keys(cache).join('\\n')));`;
  return `${process.env.NODE_OPTIONS ?? ''} --import=data:text/javascript,${encodeURIComponent(code)}`.trim();
}

const OPENTELEMETRY = join('node_modules', '@opentelemetry');

describe('tracing', () => {
  let database: TestDatabase;
  let receiver: Receiver;
  let directory: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    directory = await mkdtemp(join(tmpdir(), 'parley-tracing-'));
  });

  beforeEach(async () => {
    receiver = await startReceiver();
  });

  afterEach(async () => {
    await receiver.close();
  });

  afterAll(async () => {
    await database.drop();
    await rm(directory, { recursive: true, force: true });
  });

  it('export each request as one trace: a server span with its route, and its queries beneath it', async () => {
    const service = await startServiceProcess(database.url, await findFreePort(), {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '200',
    });
    let request: Span | undefined;
    try {
      await waitFor(async () => (await fetch(`${service.url}/health/ready`)).status === 200, 30_000);
      const { token } = await signup(service.url);
      const chats = await fetch(`${service.url}/chat`, { headers: { authorization: `Bearer ${token}` } });
      expect(chats.status).toBe(200);
      await waitFor(() => {
        request = receiver.spans.find((span) => span.kind === SERVER && span.attributes['http.route'] === '/chat');
        return Promise.resolve(request !== undefined);
      }, 10_000);
    } finally {
      expect(await service.terminate()).toBe(0);
    }
    expect(service.logs()).toContain(`Tracing to ${receiver.endpoint}`);
    expect([...receiver.contentTypes]).toEqual(['application/json']);

    expect(request).toMatchObject({
      name: 'GET /chat',
      scope: '@opentelemetry/instrumentation-http',
      service: 'parley',
      attributes: { 'http.request.method': 'GET', 'http.response.status_code': 200 },
    });
    const { traceId, spanId } = request as Span;
    const trace = receiver.spans.filter((span) => span.traceId === traceId);
    const byId = new Map(trace.map((span) => [span.spanId, span]));
    const beneathRequest = (span: Span): boolean => {
      for (let parent = byId.get(span.parentSpanId ?? ''); parent; parent = byId.get(parent.parentSpanId ?? ''))
        if (parent.spanId === spanId) return true;
      return false;
    };
    // Express's spans (its handler, with the route) need the ES module hook: Nest imports Express as a module.
    expect(trace).toContainEqual(
      expect.objectContaining({ scope: '@opentelemetry/instrumentation-express', name: 'request handler' }),
    );
    // The token's lookup and the chats' query, each a span of its own beneath the request's.
    const queries = trace.filter(
      (span) =>
        span.name.startsWith('pg.query') &&
        (span.attributes['db.system.name'] ?? span.attributes['db.system']) === 'postgresql',
    );
    expect(queries.length).toBeGreaterThanOrEqual(2);
    expect(queries.every(beneathRequest)).toBe(true);
  }, 60_000);

  it('on SIGTERM export the spans still buffered before exiting', async () => {
    const modules = join(directory, 'traced-modules.txt');
    const service = await startServiceProcess(database.url, await findFreePort(), {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      // Longer than this test: only the exit exports.
      OTEL_BSP_SCHEDULE_DELAY: '600000',
      NODE_OPTIONS: listLoadedModules(modules),
    });
    await waitFor(async () => (await fetch(`${service.url}/health/ready`)).status === 200, 30_000);
    expect((await fetch(`${service.url}/health/live`)).status).toBe(200);
    expect(receiver.spans).toHaveLength(0);

    expect(await service.terminate()).toBe(0);
    expect(requestRoutes(receiver.spans)).toContain('/health/live');
    // What the next test's absence rests on: the list sees the OpenTelemetry packages when they are loaded.
    expect(await readFile(modules, 'utf8')).toContain(join(OPENTELEMETRY, 'sdk-trace-node'));
  }, 60_000);

  it('with OTEL_EXPORTER_OTLP_ENDPOINT unset, serve without loading any OpenTelemetry package', async () => {
    const modules = join(directory, 'untraced-modules.txt');
    const service = await startServiceProcess(database.url, await findFreePort(), {
      OTEL_EXPORTER_OTLP_ENDPOINT: '', // empty is unset
      NODE_OPTIONS: listLoadedModules(modules),
    });
    try {
      await waitFor(async () => (await fetch(`${service.url}/health/ready`)).status === 200, 30_000);
      const { token } = await signup(service.url);
      expect((await fetch(`${service.url}/chat`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      expect(await service.terminate()).toBe(0);
    }
    const loaded = (await readFile(modules, 'utf8')).split('\n');
    expect(loaded).toContainEqual(expect.stringContaining(join('node_modules', 'pg') + sep));
    expect(loaded.filter((path) => path.includes(OPENTELEMETRY))).toEqual([]);
    expect(service.logs()).not.toContain('Tracing to');
    expect(receiver.spans).toHaveLength(0);
  }, 60_000);
});
