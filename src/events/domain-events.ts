/*
 * What features announce after a write has committed: small, camelCase,
 * socket-free; listeners (realtime/) decide what reaches which client. Each
 * feature declares its own events into this map by declaration merging (e.g.
 * src/messages/message.events.ts), so the bus is typed end to end without
 * importing any feature.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the features' declarations
export interface DomainEvents {}

export type DomainEventName = keyof DomainEvents;
