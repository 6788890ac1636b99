/*
 * The SQL of offline reach: draining the outbox, and what a push or a webhook
 * reads at delivery time. Deliveries read the current state, never a copy
 * taken when the event happened: a message deleted (or an account erased)
 * before its delivery is delivered as what is left, its tombstone, or not at
 * all, so nothing erased lingers in the queue.
 */
import { isoTimestamp } from '../database/iso-timestamp.js';
import { prepared } from '../database/prepared-statements.js';
import { MESSAGE_COLUMNS, type MessageRow } from '../messages/message.mapper.js';
import type { OutboxEventType } from '../outbox/outbox.js';

export interface OutboxRow {
  id: string;
  type: OutboxEventType;
  subject_id: string;
  actor_id: number | null;
  peer_id: number | null;
  created_at: string;
  /** A new message whose recipient has a push subscription: worth a push job. */
  push: boolean;
}

// outbox_pkey: the oldest events first. SKIP LOCKED: instances draining at once take disjoint batches, and each
// batch's rows are gone when its transaction (which also inserts their jobs) commits.
export const DRAIN_OUTBOX = prepared<OutboxRow, [limit: number]>(
  'drain_outbox',
  `WITH taken AS (
    DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
    RETURNING id, type, subject_id, actor_id, peer_id, created_at
  )
  SELECT t.id, t.type, t.subject_id, t.actor_id, t.peer_id, ${isoTimestamp('t.created_at')} AS created_at,
         t.type = 'message.created' AND EXISTS (SELECT FROM push_subscriptions s WHERE s.user_id = t.peer_id) AS push
    FROM taken t ORDER BY t.id`,
);

export interface PushTargetRow {
  sender_id: number;
  recipient_id: number;
  /** A later unread message from the same sender exists: its own push (same Topic) says it all. */
  superseded: boolean;
  muted: boolean;
  blocked: boolean;
  message_id: string;
  sender_username: string | null;
  body: string;
  /** One row per subscription of the recipient; null (one row) when they have none left. */
  subscription_id: number | null;
  endpoint: string | null;
  p256dh: string | null;
  auth: string | null;
}

// Everything a push job needs in one statement: whether to push, to which subscriptions, and what. No row: the
// message was read, deleted or its recipient erased since it was sent. messages_unread_idx answers "a later unread
// message of this sender", blocks_pkey the block either way, push_subscriptions_user_id_idx the subscriptions.
export const PUSH_TARGETS = prepared<PushTargetRow, [messageId: string]>(
  'push_targets',
  `SELECT m.sender_id, m.recipient_id, m.id AS message_id, u.username AS sender_username, m.body,
          EXISTS (SELECT FROM messages later
                   WHERE later.recipient_id = m.recipient_id AND later.sender_id = m.sender_id AND later.id > m.id
                     AND later.read_at IS NULL AND later.deleted_at IS NULL) AS superseded,
          coalesce(c.muted_until > now(), false) AS muted,
          EXISTS (SELECT FROM blocks b
                   WHERE (b.blocker_id, b.blocked_id) IN ((m.recipient_id, m.sender_id), (m.sender_id, m.recipient_id))) AS blocked,
          s.id AS subscription_id, s.endpoint, s.p256dh, s.auth
     FROM messages m
     JOIN users r ON r.id = m.recipient_id AND r.deleted_at IS NULL
     JOIN users u ON u.id = m.sender_id
     LEFT JOIN chats c ON c.owner_id = m.recipient_id AND c.peer_id = m.sender_id
     LEFT JOIN push_subscriptions s ON s.user_id = m.recipient_id
    WHERE m.id = $1::bigint AND m.read_at IS NULL AND m.deleted_at IS NULL
    ORDER BY s.id`,
);

export interface PushDeliveryRow {
  endpoint: string;
  p256dh: string;
  auth: string;
  message_id: string;
  sender_id: number;
  recipient_id: number;
  sender_username: string | null;
  body: string;
}

// A retry of one subscription's push. No row: the subscription is gone, or the message was read or deleted while
// the retry waited.
export const PUSH_DELIVERY = prepared<PushDeliveryRow, [subscriptionId: number, messageId: string]>(
  'push_delivery',
  `SELECT s.endpoint, s.p256dh, s.auth, m.id AS message_id, m.sender_id, m.recipient_id,
          u.username AS sender_username, m.body
     FROM push_subscriptions s
     JOIN messages m ON m.id = $2::bigint AND m.recipient_id = s.user_id AND m.read_at IS NULL AND m.deleted_at IS NULL
     JOIN users u ON u.id = m.sender_id
    WHERE s.id = $1`,
);

export const DELETE_SUBSCRIPTION = prepared<never, [subscriptionId: number]>(
  'push_subscription_gone',
  'DELETE FROM push_subscriptions WHERE id = $1',
);

export const WEBHOOK_MESSAGE = prepared<MessageRow, [messageId: string]>(
  'webhook_message',
  `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.id = $1::bigint`,
);

export const WEBHOOK_USER = prepared<{ username: string | null; created: string }, [userId: string]>(
  'webhook_user',
  `SELECT username, ${isoTimestamp('created_at')} AS created FROM users WHERE id = $1::int`,
);

export interface WebhookReportRow {
  reporter_id: number;
  reported_user_id: number;
  message_id: string | null;
  reason: string;
  created: string;
}

export const WEBHOOK_REPORT = prepared<WebhookReportRow, [reportId: string]>(
  'webhook_report',
  `SELECT reporter_id, reported_user_id, message_id, reason, ${isoTimestamp('created_at')} AS created
     FROM reports WHERE id = $1::bigint`,
);
