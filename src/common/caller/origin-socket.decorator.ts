/*
 * Which of the caller's live connections made this request, as Pusher's
 * socket_id and Laravel Echo's X-Socket-ID do it: the live event a write causes
 * then skips that socket, which has the answer already. Features only pass the
 * id along in the events they publish; the realtime relay applies it.
 */
import { applyDecorators, BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Request } from 'express';

const HEADER = 'X-Socket-Id';
/** Socket.IO's ids are 20 url-safe base64 characters; a little room for other id generators. */
const SOCKET_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The `X-Socket-Id` header, or undefined without one; a malformed one is a 400. */
export const OriginSocket = createParamDecorator((_data: unknown, context: ExecutionContext): string | undefined => {
  const value = context.switchToHttp().getRequest<Request>().headers[HEADER.toLowerCase()];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !SOCKET_ID.test(value)) {
    throw new BadRequestException(`${HEADER} must be the id of one of your live sockets (socket.id)`);
  }
  return value;
});

/** Documents the header on a route whose write is announced live. */
export const ApiOriginSocket = () =>
  applyDecorators(
    ApiHeader({
      name: HEADER,
      required: false,
      description:
        'The id of the live socket this client holds (socket.id): the live event this write causes skips that ' +
        'socket, since the response already told it. Without it, every socket of yours hears of the write too.',
      schema: { type: 'string', pattern: SOCKET_ID.source, maxLength: 64 },
    }),
  );
