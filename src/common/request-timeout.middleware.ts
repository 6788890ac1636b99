/*
 * A request still unanswered after REQUEST_TIMEOUT_MS gets 503 in the one
 * error shape instead of holding its client. One timer per request: a Nest
 * interceptor doing the same (rxjs `timeout`) cost 14% of GET /current_user's
 * throughput in the benchmark, since any interceptor moves every handler onto
 * an Observable pipeline.
 */
import { HttpStatus } from '@nestjs/common';
import type { RequestHandler } from 'express';
import type { ErrorResponseDto } from './error-response.dto.js';

const TIMED_OUT: ErrorResponseDto = {
  statusCode: HttpStatus.SERVICE_UNAVAILABLE,
  error: 'Service Unavailable',
  message: 'The request took too long; retry shortly',
};

/**
 * `longer`: routes (by path) whose request takes longer by nature, with their own limit: an upload's body
 * arrives as fast as the client's uplink allows.
 */
export function requestTimeout(milliseconds: number, longer: Record<string, number> = {}): RequestHandler {
  return (request, response, next) => {
    const timer = setTimeout(() => {
      if (!response.headersSent) response.status(TIMED_OUT.statusCode).json(TIMED_OUT);
    }, longer[request.path] ?? milliseconds);
    // 'close' follows every response, answered or aborted.
    response.once('close', () => clearTimeout(timer));
    next();
  };
}
