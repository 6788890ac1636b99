/* A message between the specs' two users (ME and PEER), for the web client's unit specs. */
import type { MessageDto } from '@parley/client';

export const ME = 1;
export const PEER = 2;

/** Message `id` from `from` (the peer by default) to the other one, unread and unchanged unless `overrides` say. */
export function message(id: number, from = PEER, overrides: Partial<MessageDto> = {}): MessageDto {
  return {
    id,
    sender_id: from,
    recipient_id: from === ME ? PEER : ME,
    message: `message ${id}`,
    created: '2026-11-25T12:00:00.000Z',
    read: false,
    read_at: null,
    edited_at: null,
    deleted_at: null,
    reactions: [],
    reply_to: null,
    attachments: [],
    ...overrides,
  };
}
