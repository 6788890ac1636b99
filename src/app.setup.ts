/* HTTP-level settings shared by main.ts and the e2e tests, so tests run the app as users do. */
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { createValidationPipe } from './common/validation.js';
import { buildOpenApiDocument } from './docs/openapi.js';

export const JSON_BODY_LIMIT = '64kb';

export function configureApp(app: NestExpressApplication): void {
  app.disable('x-powered-by');
  app.use(helmet());
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  app.useGlobalPipes(createValidationPipe());
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}
