/*
 * What every route can answer because of what kind of route it is, derived
 * from the same metadata the guards read, so the spec cannot drift from the
 * behaviour: a route behind the token guard needs a token and can answer 401;
 * a rate-limited one 429; one that takes a body 413; and any route 503 (the
 * database is down, or the request timed out). Every answer carries X-Request-Id,
 * declared once in components.headers.
 */
import { HttpStatus, type INestApplication, RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer, Reflector } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { errorResponse } from '../common/api-errors.decorator.js';
import { REQUEST_ID_HEADER, RESPONSE_HEADERS } from '../common/response-headers.js';
import { IS_PUBLIC_KEY } from '../common/caller/public.decorator.js';
import { RATE_LIMIT_GROUP } from '../rate-limits/rate-limit.decorator.js';

/**
 * The security a protected route names: the bearer header only. The server still takes the legacy `token` query
 * parameter (the bearer scheme's description in openapi.ts says so), but a route listing it as a scheme would make generated clients send
 * it too: @hey-api/openapi-ts applies every scheme listed, so every SDK request put the token in its URL, where
 * proxies and access logs keep it.
 */
export const TOKEN_SECURITY: Record<string, string[]>[] = [{ bearer: [] }];

export interface RouteFacts {
  isPublic: boolean;
  rateLimited: boolean;
  takesBody: boolean;
  /** The classes of the handler's parameters (its body, query and path DTOs among them). */
  parameterTypes: Type[];
}

/** Facts per handler name, which is also the operationId (openapi.ts). */
export function routeFacts(app: INestApplication): Map<string, RouteFacts> {
  const reflector = app.get(Reflector);
  const facts = new Map<string, RouteFacts>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      const controller = metatype as Type;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function') continue;
        const method = reflector.get<RequestMethod | undefined>(METHOD_METADATA, handler);
        if (method === undefined) continue;
        facts.set(name, {
          isPublic: reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [handler, controller]) === true,
          rateLimited: reflector.get<string | undefined>(RATE_LIMIT_GROUP, handler) !== undefined,
          takesBody: method === RequestMethod.POST || method === RequestMethod.PATCH,
          parameterTypes: (Reflect.getMetadata('design:paramtypes', prototype, name) as Type[] | undefined) ?? [],
        });
      }
    }
  }
  return facts;
}

/** Adds security, the derived error responses and the X-Request-Id header to every operation of the document. */
export function addRouteResponses(document: OpenAPIObject, facts: Map<string, RouteFacts>): OpenAPIObject {
  document.components = {
    ...document.components,
    headers: { ...document.components?.headers, [REQUEST_ID_HEADER]: RESPONSE_HEADERS[REQUEST_ID_HEADER] },
  };
  const requestId = { $ref: `#/components/headers/${REQUEST_ID_HEADER}` };
  const errorSchema = { $ref: '#/components/schemas/ErrorResponseDto' };
  for (const path of Object.values(document.paths)) {
    for (const operation of [path.get, path.post, path.put, path.patch, path.delete]) {
      const route = operation?.operationId ? facts.get(operation.operationId) : undefined;
      if (!operation || !route) continue;
      const statuses = [
        ...(route.isPublic ? [] : [HttpStatus.UNAUTHORIZED]),
        ...(route.takesBody ? [HttpStatus.PAYLOAD_TOO_LARGE] : []),
        ...(route.rateLimited ? [HttpStatus.TOO_MANY_REQUESTS] : []),
        HttpStatus.SERVICE_UNAVAILABLE,
      ];
      // An empty list says "no token" outright: linters (Redocly's security-defined) and readers need not guess.
      operation.security = route.isPublic ? [] : TOKEN_SECURITY;
      for (const status of statuses) {
        const { description, headers, example } = errorResponse(status);
        operation.responses[status] ??= {
          description,
          ...(headers && { headers }),
          content: { 'application/json': { schema: errorSchema, ...(example !== undefined && { example }) } },
        };
      }
      for (const response of Object.values(operation.responses) as { headers?: Record<string, unknown> }[]) {
        response.headers = { ...response.headers, [REQUEST_ID_HEADER]: requestId };
      }
    }
  }
  return document;
}
