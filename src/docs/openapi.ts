import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Parley')
    .setDescription(
      'One-to-one chat. Sign up or log in to get a token, then send it as `Authorization: Bearer <token>`. ' +
        'Every error has the ErrorResponseDto shape.',
    )
    .setVersion('1.0.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The token from /signup or /login' })
    .build();
  return SwaggerModule.createDocument(app, config, {
    // The handler's name is the operationId (`sendMessage`, `listChats`): stable, and readable in generated clients.
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
  });
}
