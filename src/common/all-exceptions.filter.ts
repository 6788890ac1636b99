/*
 * Gives every error the one ErrorResponseDto shape. Anything that is not an
 * HttpException is logged with its stack and answered as a bare 500 (or 503
 * when the database is unreachable), so no stack trace or SQL reaches a client.
 */
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { STATUS_CODES } from 'node:http';
import type { ErrorResponseDto } from './error-response.dto.js';
import { bearerChallenge } from './caller/bearer-token.js';
import { REQUEST_ID_HEADER } from './response-headers.js';
import { isDatabaseUnavailable } from './postgres-errors.js';
import { RequestValidationException } from './validation.js';

/** Errors raised by body-parser carry their HTTP status and a stable `type`. */
interface BodyParserError {
  status: number;
  type: string;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === 'object' && error !== null && 'type' in error && 'status' in error;
}

const BODY_PARSER_MESSAGES: Record<string, string> = {
  'entity.parse.failed': 'Request body is not valid JSON',
  'entity.too.large': 'Request body is too large',
  'encoding.unsupported': 'Request body encoding is not supported',
  'charset.unsupported': 'Request body charset is not supported',
  'request.aborted': 'Request was aborted',
};

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

export function errorShape(statusCode: number, message: string): ErrorResponseDto {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
}

/** The body for any error, HTTP or socket acknowledgement alike; what is not a client's fault is logged. */
export function toErrorResponse(exception: unknown, logger: Logger): ErrorResponseDto {
  if (exception instanceof RequestValidationException) {
    return { ...errorShape(HttpStatus.BAD_REQUEST, 'Request validation failed'), details: exception.details };
  }
  if (exception instanceof HttpException) {
    return errorShape(exception.getStatus(), messageOf(exception));
  }
  if (isBodyParserError(exception) && exception.status >= 400 && exception.status < 500) {
    return errorShape(exception.status, BODY_PARSER_MESSAGES[exception.type] ?? 'Request body could not be read');
  }
  if (isDatabaseUnavailable(exception)) {
    logger.warn(`Database unavailable: ${String(exception)}`);
    return errorShape(HttpStatus.SERVICE_UNAVAILABLE, 'The database is unavailable; retry shortly');
  }
  logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
  return errorShape(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error');
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllExceptionsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) {
      // Answered already (a timed-out request got its 503): a late result or error has no one to go to.
      this.logger.warn(`Dropped after the response was sent: ${String(exception)}`);
      return;
    }
    const body = toErrorResponse(exception, this.logger);
    // From the response header, which is set before anything can fail (src/observability/request-observer.ts).
    const requestId = response.getHeader(REQUEST_ID_HEADER);
    if (typeof requestId === 'string') body.request_id = requestId;
    // RFC 7235: a 401 names the scheme that would succeed (the token guard may have set a more precise one).
    if (body.statusCode === Number(HttpStatus.UNAUTHORIZED) && !response.hasHeader('WWW-Authenticate')) {
      response.setHeader('WWW-Authenticate', bearerChallenge());
    }
    response.status(body.statusCode).json(body);
  }
}
