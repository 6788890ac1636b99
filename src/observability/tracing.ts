/*
 * Optional OpenTelemetry tracing, started only when OTEL_EXPORTER_OTLP_ENDPOINT
 * is set. The SDK and its instrumentations are not dependencies of Parley
 * (dozens of packages an operator who does not trace would carry in every
 * image): an operator who traces installs them beside the app
 * (README, Operations). Imported dynamically, so with tracing off nothing of it is loaded.
 */
import type { Logger } from '@nestjs/common';

const PACKAGES = [
  '@opentelemetry/sdk-node',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/instrumentation-http',
  '@opentelemetry/instrumentation-express',
  '@opentelemetry/instrumentation-pg',
  '@opentelemetry/instrumentation-ioredis',
];

interface Sdk {
  start(): void;
  shutdown(): Promise<void>;
}
type Constructor<T = object> = new (options?: Record<string, unknown>) => T;

// A variable specifier, so TypeScript does not require the packages to be installed.
const load = (name: string) => import(name) as Promise<Record<string, Constructor>>;

export async function startTracing(endpoint: string, logger: Logger): Promise<void> {
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
  const [sdkNode, exporter, http, express, pg, ioredis] = modules;
  // Parley is ES modules: instrumentations see the modules imported after this hook only (main.ts imports the app later).
  const { register } = await import('node:module');
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const sdk = new (sdkNode.NodeSDK as Constructor<Sdk>)({
    serviceName: process.env.OTEL_SERVICE_NAME ?? 'parley',
    traceExporter: new exporter.OTLPTraceExporter(),
    instrumentations: [
      new http.HttpInstrumentation(),
      new express.ExpressInstrumentation(),
      new pg.PgInstrumentation(),
      new ioredis.IORedisInstrumentation(),
    ],
  });
  sdk.start();
  process.once('beforeExit', () => void sdk.shutdown());
  logger.log(`Tracing to ${endpoint}`);
}
