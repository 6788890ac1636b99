import type { ChatDto, MessageDto } from '@parley/client';
import {
  type ChatState,
  chatsChanged,
  chatsLoaded,
  historyLoaded,
  initialChatState,
  messageReceived,
  messagesRead,
  sendConfirmed,
  sendStarted,
} from './chat-state';

const ME = 1;
const PEER = 2;

function message(id: number, from = PEER, overrides: Partial<MessageDto> = {}): MessageDto {
  return {
    id,
    sender_id: from,
    recipient_id: from === ME ? PEER : ME,
    message: `message ${id}`,
    created: '2026-11-25T12:00:00.000Z',
    read: false,
    read_at: null,
    ...overrides,
  };
}

function chat(lastMessage: MessageDto, unreadCount: number): ChatDto {
  return { user_id: PEER, username: 'peer', last_message: lastMessage, unread_count: unreadCount };
}

/** A state with the chat listed and its latest page (messages 1 to 3) loaded. */
function withOpenChat(unreadCount = 0): ChatState {
  const listed = chatsLoaded(initialChatState, [chat(message(3), unreadCount)]);
  return historyLoaded(listed, PEER, 'latest', { messages: [message(1), message(2), message(3)], next_cursor: null });
}

describe('chat state', () => {
  it('counts a live message once, however often it arrives', () => {
    const once = messageReceived(withOpenChat(), message(4), ME);
    const twice = messageReceived(once, message(4), ME);
    expect(twice.chats[0].unread_count).toBe(1);
    expect(twice.conversations[PEER].messages.map((m) => m.id)).toEqual([1, 2, 3, 4]);
  });

  it('keeps the REST mark where REST left it: a live message may sit above a gap', () => {
    const state = messageReceived(withOpenChat(), message(9), ME);
    expect(state.conversations[PEER].restMark).toBe(3);
    const caughtUp = historyLoaded(state, PEER, 'newer', { messages: [message(4), message(9)], next_cursor: null });
    expect(caughtUp.conversations[PEER].restMark).toBe(9);
    expect(caughtUp.conversations[PEER].messages.map((m) => m.id)).toEqual([1, 2, 3, 4, 9]);
  });

  it('takes a /sync chat by user_id, unless a newer live message already passed it', () => {
    const live = messageReceived(withOpenChat(), message(5), ME);
    const stale = chatsChanged(live, [{ ...chat(message(4), 1), peer_read_up_to: 0 }]);
    expect(stale.chats[0].last_message.id).toBe(5);
    const current = chatsChanged(live, [{ ...chat(message(5), 0), peer_read_up_to: 0 }]);
    expect(current.chats[0].unread_count).toBe(0);
  });

  it('shows my messages read as far as the peer read them, from a receipt or from /sync', () => {
    const mine = historyLoaded(withOpenChat(), PEER, 'newer', {
      messages: [message(4, ME), message(5, ME)],
      next_cursor: null,
    });
    const receipt = { reader_id: PEER, sender_id: ME, up_to_id: 4, read_at: '2026-11-25T12:01:00.000Z' };
    const read = messagesRead(mine, receipt, ME);
    expect(read.conversations[PEER].messages.filter((m) => m.read).map((m) => m.id)).toEqual([4]);
    const synced = chatsChanged(read, [{ ...chat(message(5, ME), 0), peer_read_up_to: 5 }]);
    expect(synced.conversations[PEER].peerReadUpTo).toBe(5);
  });

  it('clears the unread count when I read the chat, here or on another device', () => {
    const receipt = { reader_id: ME, sender_id: PEER, up_to_id: 3, read_at: '2026-11-25T12:01:00.000Z' };
    expect(messagesRead(withOpenChat(2), receipt, ME).chats[0].unread_count).toBe(0);
  });

  it('turns a confirmed send into one message, even when its live echo came first', () => {
    const pending = sendStarted(withOpenChat(), PEER, { idempotencyKey: 'k1', message: 'hi', status: 'sending' });
    const echoed = messageReceived(pending, message(4, ME), ME);
    const confirmed = sendConfirmed(echoed, 'k1', message(4, ME), ME);
    expect(confirmed.conversations[PEER].pending).toEqual([]);
    expect(confirmed.conversations[PEER].messages.map((m) => m.id)).toEqual([1, 2, 3, 4]);
    expect(confirmed.chats[0].unread_count).toBe(0);
  });
});
