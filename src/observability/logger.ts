/*
 * Logs through Nest's own ConsoleLogger: JSON lines for machines, coloured
 * text for a developer's terminal. This subclass only adds the request id of
 * the request being served (AsyncLocalStorage) and scrubs secrets out of
 * free-text messages, which ConsoleLogger's key-based `redact` does not see.
 */
import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { enabledLogLevels, type Environment } from '../config/environment.js';
import { redactText, SECRET_KEYS } from './redact.js';
import { currentRequestId } from './request-context.js';

type JsonLogObject = ReturnType<ConsoleLogger['getJsonLogObject']>;

export class ParleyLogger extends ConsoleLogger {
  protected override getJsonLogObject(...args: Parameters<ConsoleLogger['getJsonLogObject']>): JsonLogObject {
    const record = super.getJsonLogObject(...args);
    // A request's access line names its request explicitly (it is written after the request's context ends).
    if (record.request_id === undefined) {
      const requestId = currentRequestId();
      if (requestId !== undefined) record.request_id = requestId;
    }
    return record;
  }

  protected override formatContext(context: string): string {
    const requestId = currentRequestId();
    return super.formatContext(requestId ? `${context} ${requestId}` : context);
  }

  protected override redact(value: unknown): unknown {
    return typeof value === 'string' ? redactText(value) : super.redact(value);
  }
}

/** JSON unless asked otherwise, except on a developer's terminal outside production. */
export function useJsonLogs(env: Pick<Environment, 'LOG_FORMAT' | 'NODE_ENV'>, isTty = process.stdout.isTTY): boolean {
  if (env.LOG_FORMAT) return env.LOG_FORMAT === 'json';
  return env.NODE_ENV === 'production' || !isTty;
}

export function createLogger(
  env: Pick<Environment, 'LOG_FORMAT' | 'NODE_ENV' | 'LOG_LEVEL'>,
  levels: LogLevel[] = enabledLogLevels(env.LOG_LEVEL),
): ParleyLogger {
  const json = useJsonLogs(env);
  return new ParleyLogger({
    json,
    logLevels: levels,
    // Fields of an access line at the top level of its JSON record, where log tools look for them.
    flattenParams: true,
    redact: SECRET_KEYS,
    ...(json ? {} : { colors: Boolean(process.stdout.isTTY) }),
  });
}
