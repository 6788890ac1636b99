import { jest } from '@jest/globals';
import { type ArgumentsHost, ConflictException, Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { AllExceptionsFilter } from './all-exceptions.filter.js';
import { RequestValidationException } from './validation.js';

function render(exception: unknown, requestId?: string) {
  const response = {
    headersSent: false,
    getHeader: (name: string) => (name.toLowerCase() === 'x-request-id' ? requestId : undefined),
    statusCode: 0,
    body: undefined as unknown,
    status(code: number) {
      this.statusCode = code;
      return this;
    },
    json(body: unknown) {
      this.body = body;
      return this;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
  new AllExceptionsFilter().catch(exception, host);
  return { status: response.statusCode, body: response.body };
}

describe('AllExceptionsFilter', () => {
  beforeAll(() => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterAll(() => {
    jest.restoreAllMocks();
  });

  it('renders an HttpException in the one shape', () => {
    expect(render(new ConflictException('That username is already taken'))).toEqual({
      status: 409,
      body: { statusCode: 409, error: 'Conflict', message: 'That username is already taken' },
    });
  });

  it('adds per-field details to validation errors', () => {
    const details = [{ field: 'user_id', errors: ['user_id must be an integer number'] }];
    expect(render(new RequestValidationException(details)).body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Request validation failed',
      details,
    });
  });

  it('hides the SQL and stack of an unexpected database error behind a bare 500', () => {
    const error = new QueryFailedError('SELECT secret FROM users', [], new Error('syntax error at or near "secret"'));
    const { status, body } = render(error);
    expect(status).toBe(500);
    expect(body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' });
  });

  it('answers 503 when the database cannot be reached', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(render(refused)).toEqual({
      status: 503,
      body: { statusCode: 503, error: 'Service Unavailable', message: 'The database is unavailable; retry shortly' },
    });
  });

  it('keeps the status of a body-parser error', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large' });
    expect(render(tooLarge).body).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'Request body is too large',
    });
  });

  it('names the request it answers, as its X-Request-Id header does', () => {
    expect(render(new ConflictException('That username is already taken'), 'req-42').body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: 'That username is already taken',
      request_id: 'req-42',
    });
  });
});
