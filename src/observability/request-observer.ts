/*
 * One Express middleware per request for what operations need from it: a
 * request id (a sane incoming X-Request-Id, or a new UUID) echoed on every
 * response, and when asked for, an access line and the HTTP duration
 * histogram. Both are measured from one timestamp and one 'finish' listener;
 * with neither on, a request pays only for its id.
 *
 * The request's context is entered twice: here, and again after the body
 * parser (`reenterRequestContext`), since the parser resumes the request from
 * the socket's own async context, where AsyncLocalStorage has no store.
 */
import { Logger, type LogLevel } from '@nestjs/common';
import type { Request, RequestHandler, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { REQUEST_ID_HEADER } from '../common/response-headers.js';
import { requestContext, type RequestContext } from './request-context.js';

// Long enough for any tracing id, short and plain enough to be safe in logs and headers.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

type ObservedRequest = Request & { [CONTEXT]?: RequestContext };
const CONTEXT = Symbol('parley.requestContext');

export function acceptedRequestId(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : undefined;
}

/** The route pattern, not the URL: bounded label values, and no ids or `?token=` in logs and metrics. */
export function routeOf(request: Request): string {
  const path = (request.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? path : '(unmatched)';
}

export interface RequestObserverOptions {
  /** Log one line per finished request at this level; undefined: no access line. */
  accessLogLevel?: LogLevel;
  /** Called with each finished request's duration; undefined: no metrics. */
  observeDuration?: (method: string, route: string, status: number, seconds: number) => void;
}

export function observeRequests(options: RequestObserverOptions = {}): RequestHandler {
  const { accessLogLevel, observeDuration } = options;
  const logger = new Logger('HTTP');
  const measure = accessLogLevel !== undefined || observeDuration !== undefined;
  return (request: ObservedRequest, response: Response, next) => {
    const requestId = acceptedRequestId(request.headers['x-request-id']) ?? randomUUID();
    response.setHeader(REQUEST_ID_HEADER, requestId);
    const context: RequestContext = { requestId };
    request[CONTEXT] = context;
    if (measure) {
      const started = performance.now();
      response.once('finish', () => {
        const milliseconds = performance.now() - started;
        const route = routeOf(request);
        observeDuration?.(request.method, route, response.statusCode, milliseconds / 1000);
        if (accessLogLevel !== undefined) {
          const status = response.statusCode;
          const duration_ms = Math.round(milliseconds * 100) / 100;
          logger[accessLogLevel](`${request.method} ${route} ${status} ${duration_ms} ms`, {
            method: request.method,
            route,
            status,
            duration_ms,
            request_id: requestId,
          });
        }
      });
    }
    requestContext.run(context, next);
  };
}

export const reenterRequestContext: RequestHandler = (request: ObservedRequest, _response, next) => {
  const context = request[CONTEXT];
  // Without a body the parser calls on at once, still inside the context: no second run needed.
  if (context && requestContext.getStore() !== context) requestContext.run(context, next);
  else next();
};
