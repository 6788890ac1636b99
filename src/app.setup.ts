/*
 * The one way a Parley app is built: the server, the e2e tests and the spec
 * writer all call createApp(), so tests and the committed spec see the app
 * exactly as users do.
 */
import type { LoggerService, LogLevel } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import type { Express, Request } from 'express';
import helmet from 'helmet';
import { AppModule } from './app.module.js';
import { PrototypeStableExpressAdapter } from './common/express-adapter.js';
import { EXPOSED_HEADERS } from './common/response-headers.js';
import { requestTimeout } from './common/request-timeout.middleware.js';
import { parseTrustProxy } from './common/trust-proxy.js';
import { createValidationPipe } from './common/validation.js';
import { allowedOrigins, enabledLogLevels, type Environment } from './config/environment.js';
import { buildEventsDocument, buildOpenApiDocument } from './docs/openapi.js';
import {
  observeRequests,
  reenterRequestContext,
  type RequestObserverOptions,
} from './observability/request-observer.js';
import { RealtimeIoAdapter } from './realtime/realtime-io.adapter.js';

export const JSON_BODY_LIMIT = '64kb';

export interface CreateAppOptions {
  logger: LoggerService | LogLevel[] | false;
  /** The HTTP metrics, when METRICS_PORT is set (server.ts). */
  observeDuration?: RequestObserverOptions['observeDuration'];
}

/** The whole app against `databaseUrl`, not yet listening and not yet connected (see connectDatabase). */
export async function createApp(databaseUrl: string, options: CreateAppOptions): Promise<NestExpressApplication> {
  const adapter = new PrototypeStableExpressAdapter();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forDatabase(databaseUrl), adapter, {
    bodyParser: false,
    logger: options.logger,
  });
  configureHttp(app, options.observeDuration);
  // A handler outlives its client by at most this (the request timeout answers, the work may go on).
  adapter.handlerDrainMs = app.get<ConfigService<Environment, true>>(ConfigService).get('REQUEST_TIMEOUT_MS', {
    infer: true,
  });
  return app;
}

function configureHttp(app: NestExpressApplication, observeDuration: CreateAppOptions['observeDuration']): void {
  const config = app.get<ConfigService<Environment, true>>(ConfigService);
  // First, so every response, an error of any later middleware included, carries its X-Request-Id.
  const accessLogLevel = config.get('ACCESS_LOG_LEVEL', { infer: true });
  const accessLogged = enabledLogLevels(config.get('LOG_LEVEL', { infer: true })).includes(accessLogLevel);
  app.use(observeRequests({ observeDuration, accessLogLevel: accessLogged ? accessLogLevel : undefined }));
  const trustProxy = parseTrustProxy(config.get('TRUST_PROXY', { infer: true }));
  if (trustProxy !== undefined) app.set('trust proxy', trustProxy);
  app.use(
    requestTimeout(config.get('REQUEST_TIMEOUT_MS', { infer: true }), {
      '/uploads': config.get('UPLOAD_TIMEOUT_MS', { infer: true }),
    }),
  );
  app.disable('x-powered-by');
  // Responses are per-user and change with every message: an ETag would cost a hash of every body
  // to save a client almost nothing (docs/performance.md).
  app.set('etag', false);
  // Without upgrade-insecure-requests: over plain http on any host but localhost (a VM, docker compose on a LAN)
  // it sends the browser to https for Swagger UI's assets, and /docs stays blank. Behind TLS, HSTS still upgrades.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  const corsOrigins = allowedOrigins(config.get('CORS_ORIGINS', { infer: true }));
  // Without exposedHeaders a page on an allowed origin reads none of the headers the spec tells it to read.
  if (corsOrigins.length > 0) app.enableCors({ origin: corsOrigins, exposedHeaders: EXPOSED_HEADERS });
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  app.use(reenterRequestContext);
  app.useGlobalPipes(createValidationPipe());
  app.useWebSocketAdapter(new RealtimeIoAdapter(app));
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    // Swagger UI's "Try it out" calls the first server: the one the reader reached, wherever that is.
    patchDocumentOnRequest: (request, _response, document) => {
      const { protocol, headers } = request as Request; // the Swagger module's generic is the adapter's request
      return { ...document, servers: [{ url: `${protocol}://${headers.host}` }] };
    },
  });
  // The socket events (AsyncAPI 3), built on first request like Swagger's document.
  let events: object | undefined;
  const server: Express = app.getHttpAdapter().getInstance();
  server.get('/docs/events.json', (_request, response) => {
    events ??= buildEventsDocument(app);
    response.json(events);
  });
}
