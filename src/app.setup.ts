/* HTTP-level settings shared by main.ts and the e2e tests, so tests run the app as users do. */
import { ConfigService } from '@nestjs/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { requestTimeout } from './common/request-timeout.middleware.js';
import { createValidationPipe } from './common/validation.js';
import type { Environment } from './config/environment.js';
import { buildOpenApiDocument } from './docs/openapi.js';

export const JSON_BODY_LIMIT = '64kb';

export function configureApp(app: NestExpressApplication): void {
  const config = app.get<ConfigService<Environment, true>>(ConfigService);
  app.use(requestTimeout(config.get('REQUEST_TIMEOUT_MS', { infer: true })));
  app.disable('x-powered-by');
  // Responses are per-user and change with every message: an ETag would cost a hash of every body
  // to save a client almost nothing (docs/performance.md).
  app.set('etag', false);
  app.use(helmet());
  const corsOrigins = config.get('CORS_ORIGINS', { infer: true });
  if (corsOrigins) {
    app.enableCors({ origin: corsOrigins.split(',').map((origin) => origin.trim()) });
  }
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  app.useGlobalPipes(createValidationPipe());
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}
