/*
 * The outbox (migration OfflineReach): each statement that makes a change a
 * push or a webhook reports also writes the change's event, in the same
 * statement, so the event commits with the change or not at all. Nothing is
 * written while no channel is on (no Web Push keys, no webhook URL): the
 * statements take that switch as a parameter.
 */

/** Every event the outbox holds, named as the webhooks deliver them (docs/webhooks.md). */
export const OUTBOX_EVENT_TYPES = [
  'message.created',
  'message.updated',
  'message.deleted',
  'message.read',
  'user.created',
  'user.deleted',
  'report.created',
] as const;
export type OutboxEventType = (typeof OUTBOX_EVENT_TYPES)[number];

/**
 * A CTE named `name` that writes one `type` event per row of `from`, whose expressions give the subject
 * (a message, user or report id), the actor and the peer; `enabled` is the statement's boolean parameter and
 * `where` a condition on the rows.
 */
export function writeOutbox(
  name: string,
  type: OutboxEventType,
  from: string,
  columns: { subject: string; actor?: string; peer?: string },
  enabled: string,
  where = 'true',
): string {
  return `${name} AS (
    INSERT INTO outbox (type, subject_id, actor_id, peer_id)
    SELECT '${type}', ${columns.subject}, ${columns.actor ?? 'NULL'}, ${columns.peer ?? 'NULL'} FROM ${from}
     WHERE ${enabled}::boolean AND ${where}
  )`;
}
