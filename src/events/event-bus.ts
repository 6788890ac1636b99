/*
 * The in-process bus features publish to. Our own few lines rather than
 * @nestjs/event-emitter: that package is CommonJS and require()s
 * @nestjs/common, which Jest cannot load on Node 20 now that Nest 12 ships
 * ES modules only (docs/development.md, "Why ESM").
 */
import { Injectable, Logger } from '@nestjs/common';
import type { DomainEventName, DomainEvents } from './domain-events.js';

type Listener<K extends DomainEventName> = (event: DomainEvents[K]) => void | Promise<void>;

@Injectable()
export class EventBus {
  private readonly logger = new Logger(EventBus.name);
  private readonly listeners = new Map<DomainEventName, Listener<never>[]>();

  on<K extends DomainEventName>(name: K, listener: Listener<K>): void {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
  }

  /**
   * Call after the write has committed. A listener's failure is logged and
   * never reaches the publisher: the write stands whoever was listening.
   */
  publish<K extends DomainEventName>(name: K, event: DomainEvents[K]): void {
    for (const listener of (this.listeners.get(name) ?? []) as Listener<K>[]) {
      try {
        void Promise.resolve(listener(event)).catch((error: unknown) => this.failed(name, error));
      } catch (error) {
        this.failed(name, error);
      }
    }
  }

  private failed(name: DomainEventName, error: unknown): void {
    this.logger.error(
      `A listener of ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  }
}
