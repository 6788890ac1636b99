/*
 * A pg Pool or Client emits 'error' when an idle connection dies (the server
 * restarts or shuts down: "terminating connection due to administrator
 * command"); with no listener that event kills the process. Every pool and
 * long-lived client the project creates (the app's own comes from TypeORM,
 * which listens) goes through here; the next query simply gets a new connection.
 */
import type { EventEmitter } from 'node:events';

export function reportPgErrors<T extends EventEmitter>(
  emitter: T,
  report: (message: string) => void = (message) => console.warn(message),
): T {
  emitter.on('error', (error: unknown) => {
    report(`PostgreSQL connection lost: ${error instanceof Error ? error.message : String(error)}`);
  });
  return emitter;
}
