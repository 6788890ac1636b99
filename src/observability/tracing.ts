/*
 * Optional OpenTelemetry tracing, started only when OTEL_EXPORTER_OTLP_ENDPOINT
 * is set. The SDK and its instrumentations are not production dependencies of Parley
 * (dozens of packages an operator who does not trace would carry in every
 * image): an operator who traces installs them beside the app
 * (docs/operations.md, Tracing). Imported dynamically, so with tracing off nothing of it is loaded.
 * The trace SDK itself, not @opentelemetry/sdk-node: that one brings every exporter with it, gRPC and protobufjs
 * (an install script) among them, and npm counts @grpc/grpc-js as a production package here because
 * @nestjs/terminus names it as an optional peer, so even as a dev dependency it would land in every image.
 */
import type { Logger } from '@nestjs/common';
import { observers } from './hooks.js';

const PACKAGES = [
  '@opentelemetry/api',
  '@opentelemetry/core',
  '@opentelemetry/sdk-trace-node',
  '@opentelemetry/resources',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/instrumentation',
  '@opentelemetry/instrumentation-http',
  '@opentelemetry/instrumentation-express',
  '@opentelemetry/instrumentation-pg',
  '@opentelemetry/instrumentation-ioredis',
];

type Constructor<T = object> = new (...args: unknown[]) => T;
interface Resource {
  merge(other: Resource): Resource;
}
// The few parts used, typed here: the packages are loaded by a variable specifier, so TypeScript does not require
// them to be installed.
interface TraceSdk {
  NodeTracerProvider: Constructor<{ register(): void; shutdown(): Promise<void> }>;
  BatchSpanProcessor: Constructor;
}
interface Resources {
  defaultResource: () => Resource;
  resourceFromAttributes: (attributes: Record<string, string>) => Resource;
  detectResources: (config: { detectors: unknown[] }) => Resource;
  envDetector: unknown;
  hostDetector: unknown;
  processDetector: unknown;
}
interface ContextApi {
  context: { active(): object; with<T>(context: object, work: () => T): T };
}
interface SuppressTracing {
  suppressTracing: (context: object) => object;
}
interface Instrumentation {
  registerInstrumentations: (options: { tracerProvider: object; instrumentations: object[] }) => void;
}
const load = (name: string) => import(name) as Promise<Record<string, Constructor>>;

/** Starts tracing; resolves with a function that exports the spans still buffered (a graceful exit calls it last). */
export async function startTracing(endpoint: string, logger: Logger): Promise<() => Promise<void>> {
  let modules: Record<string, Constructor>[];
  try {
    modules = await Promise.all(PACKAGES.map(load));
  } catch (error) {
    throw new Error(
      `OTEL_EXPORTER_OTLP_ENDPOINT is set, but the OpenTelemetry packages are not installed ` +
        `(${error instanceof Error ? error.message : String(error)}); run \`npm install ${PACKAGES.join(' ')}\` ` +
        `or unset OTEL_EXPORTER_OTLP_ENDPOINT`,
    );
  }
  const [api, core, traceSdk, resourcesModule, exporter, instrumentationModule, http, express, pg, ioredis] = modules;
  const sdk = traceSdk as unknown as TraceSdk;
  const resources = resourcesModule as unknown as Resources;
  const { registerInstrumentations } = instrumentationModule as unknown as Instrumentation;
  // Parley is ES modules: instrumentations see the modules imported after this hook only (main.ts imports the app later).
  // Without it pg (CommonJS, required by TypeORM) is still traced, but not Express (imported by Nest's ES modules):
  // no middleware spans and no http.route on the request's span.
  const { register } = await import('node:module');
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (the env detector) win over the default name.
  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ 'service.name': 'parley' }))
    .merge(
      resources.detectResources({
        detectors: [resources.hostDetector, resources.processDetector, resources.envDetector],
      }),
    );
  // BatchSpanProcessor reads OTEL_BSP_* and the exporter OTEL_EXPORTER_OTLP_*, as the SDK's documentation says.
  const provider = new sdk.NodeTracerProvider({
    resource,
    spanProcessors: [new sdk.BatchSpanProcessor(new exporter.OTLPTraceExporter())],
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new http.HttpInstrumentation(),
      new express.ExpressInstrumentation(),
      new pg.PgInstrumentation(),
      new ioredis.IORedisInstrumentation(),
    ],
  });
  // The warm-up's thousands of statements at boot would otherwise be as many traces, and fill the export queue.
  const { context } = api as unknown as ContextApi;
  const { suppressTracing } = core as unknown as SuppressTracing;
  observers.untraced = (work) => context.with(suppressTracing(context.active()), work);
  logger.log(`Tracing to ${endpoint}`);
  return () => provider.shutdown();
}
