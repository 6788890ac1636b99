/*
 * What the client knows, and the pure functions that change it. Every input
 * (a REST page, a /sync answer, a live event, the client's own send) goes
 * through one of these, and each is idempotent: the same message or receipt
 * arriving twice, or in another order, ends in the same state. That is what
 * lets live events and /sync overlap freely.
 */
import type { ChatDto, MessageDto, MessageReadEventDto, SyncChatDto } from '@parley/client';

export interface Conversation {
  /** Ascending by id, each id once. */
  messages: MessageDto[];
  /**
   * The highest id received from REST: where `GET /chat/{id}?after=` resumes. Live messages do not move it:
   * one may arrive above a gap an outage left, and resuming from it would skip the gap.
   */
  restMark: number;
  /** `before` for the next older page; null once the start of the conversation is loaded. */
  olderCursor: number | null;
  /** The highest id of mine that the peer has read. */
  peerReadUpTo: number;
  /** Sends not yet confirmed, by idempotency key. */
  pending: PendingMessage[];
}

export interface PendingMessage {
  idempotencyKey: string;
  message: string;
  status: 'sending' | 'failed';
}

export type ConnectionStatus = 'connecting' | 'live' | 'offline';

export interface ChatState {
  /** The chat list, newest last message first; `unread_count` as the server counts it. */
  chats: ChatDto[];
  conversations: Record<number, Conversation>;
  /** Peers typing to me now, with when their indicator lapses (ms since epoch) if no update comes. */
  typingUntil: Record<number, number>;
  connection: ConnectionStatus;
}

export const initialChatState: ChatState = { chats: [], conversations: {}, typingUntil: {}, connection: 'connecting' };

const emptyConversation: Conversation = { messages: [], restMark: 0, olderCursor: null, peerReadUpTo: 0, pending: [] };

function conversationOf(state: ChatState, peerId: number): Conversation {
  return state.conversations[peerId] ?? emptyConversation;
}

function withConversation(state: ChatState, peerId: number, conversation: Conversation): ChatState {
  return { ...state, conversations: { ...state.conversations, [peerId]: conversation } };
}

function sortChats(chats: ChatDto[]): ChatDto[] {
  return chats.sort((a, b) => b.last_message.id - a.last_message.id);
}

/** Merges messages by id, keeping the newer copy (its `read` may have changed). */
function mergeMessages(current: MessageDto[], incoming: MessageDto[]): MessageDto[] {
  const byId = new Map(current.map((message) => [message.id, message]));
  for (const message of incoming) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

export function peerOf(message: MessageDto, myId: number): number {
  return message.sender_id === myId ? message.recipient_id : message.sender_id;
}

/**
 * The server's copy of a chat wins unless a live message newer than it arrived
 * while the request was out; equal ones take the server's (its unread count may
 * have dropped through a read on another device).
 */
function newest(local: ChatDto | undefined, server: ChatDto): ChatDto {
  return local && local.last_message.id > server.last_message.id ? local : server;
}

/** All pages of `GET /chat`: the whole list as the server has it. */
export function chatsLoaded(state: ChatState, chats: ChatDto[]): ChatState {
  const local = new Map(state.chats.map((chat) => [chat.user_id, chat]));
  return { ...state, chats: sortChats(chats.map((chat) => newest(local.get(chat.user_id), chat))) };
}

/** Chats from `GET /sync`: each replaces the one with its `user_id`, so a chat that comes twice is harmless. */
export function chatsChanged(state: ChatState, changed: SyncChatDto[]): ChatState {
  const byPeer = new Map(state.chats.map((chat) => [chat.user_id, chat]));
  let next = state;
  for (const { peer_read_up_to: peerReadUpTo, ...chat } of changed) {
    byPeer.set(chat.user_id, newest(byPeer.get(chat.user_id), chat));
    const conversation = next.conversations[chat.user_id];
    if (conversation && peerReadUpTo > conversation.peerReadUpTo) {
      next = withConversation(next, chat.user_id, { ...conversation, peerReadUpTo });
    }
  }
  return { ...next, chats: sortChats([...byPeer.values()]) };
}

/**
 * A page of `GET /chat/{peer}`. `latest` and `older` pages come from `before`
 * paging, `newer` ones from `after=restMark`; every REST page raises the mark.
 */
export function historyLoaded(
  state: ChatState,
  peerId: number,
  kind: 'latest' | 'older' | 'newer',
  page: { messages: MessageDto[]; next_cursor: number | null },
): ChatState {
  const conversation = conversationOf(state, peerId);
  const highest = page.messages.at(-1)?.id ?? 0;
  return withConversation(state, peerId, {
    ...conversation,
    messages: mergeMessages(conversation.messages, page.messages),
    restMark: Math.max(conversation.restMark, highest),
    olderCursor: kind === 'newer' ? conversation.olderCursor : page.next_cursor,
  });
}

/**
 * A message from a live `message.new`, or the answer to my own send. The chat's
 * unread count rises only for a message to me that is newer than the chat's
 * last one, so a repeat (or one /sync already counted) changes nothing. A chat
 * not in the list yet is left to /sync, which knows the peer's name.
 */
export function messageReceived(state: ChatState, message: MessageDto, myId: number): ChatState {
  const peerId = peerOf(message, myId);
  const chats = state.chats.map((chat) =>
    chat.user_id === peerId && message.id > chat.last_message.id
      ? {
          ...chat,
          last_message: message,
          unread_count: chat.unread_count + (message.recipient_id === myId && !message.read ? 1 : 0),
        }
      : chat,
  );
  const next: ChatState = { ...state, chats: sortChats(chats) };
  const conversation = state.conversations[peerId];
  if (!conversation) return next;
  return withConversation(next, peerId, { ...conversation, messages: mergeMessages(conversation.messages, [message]) });
}

export function hasChat(state: ChatState, peerId: number): boolean {
  return state.chats.some((chat) => chat.user_id === peerId);
}

/**
 * A read receipt (`message.read`, or my own mark-read's answer). When I am the
 * reader, that chat's unread count is zero as far as the receipt reaches; when
 * the peer is, my messages up to `up_to_id` show as read.
 */
export function messagesRead(state: ChatState, receipt: MessageReadEventDto, myId: number): ChatState {
  const iAmReader = receipt.reader_id === myId;
  const peerId = iAmReader ? receipt.sender_id : receipt.reader_id;
  const markRead = (message: MessageDto): MessageDto =>
    message.sender_id === receipt.sender_id && message.id <= receipt.up_to_id && !message.read
      ? { ...message, read: true, read_at: receipt.read_at }
      : message;
  const chats = state.chats.map((chat) =>
    chat.user_id === peerId && iAmReader && chat.last_message.id <= receipt.up_to_id
      ? { ...chat, unread_count: 0, last_message: markRead(chat.last_message) }
      : chat,
  );
  const conversation = state.conversations[peerId];
  const next = { ...state, chats };
  if (!conversation) return next;
  return withConversation(next, peerId, {
    ...conversation,
    messages: conversation.messages.map(markRead),
    peerReadUpTo: iAmReader ? conversation.peerReadUpTo : Math.max(conversation.peerReadUpTo, receipt.up_to_id),
  });
}

export function sendStarted(state: ChatState, peerId: number, pending: PendingMessage): ChatState {
  const conversation = conversationOf(state, peerId);
  const others = conversation.pending.filter((entry) => entry.idempotencyKey !== pending.idempotencyKey);
  return withConversation(state, peerId, { ...conversation, pending: [...others, pending] });
}

export function sendFailed(state: ChatState, peerId: number, idempotencyKey: string): ChatState {
  const conversation = conversationOf(state, peerId);
  const pending = conversation.pending.map((entry) =>
    entry.idempotencyKey === idempotencyKey ? { ...entry, status: 'failed' as const } : entry,
  );
  return withConversation(state, peerId, { ...conversation, pending });
}

/** My send was stored: the pending entry gives way to the message (which another tab's live event may also bring). */
export function sendConfirmed(state: ChatState, idempotencyKey: string, message: MessageDto, myId: number): ChatState {
  const peerId = peerOf(message, myId);
  const conversation = conversationOf(state, peerId);
  const cleared = withConversation(state, peerId, {
    ...conversation,
    pending: conversation.pending.filter((entry) => entry.idempotencyKey !== idempotencyKey),
  });
  return messageReceived(cleared, message, myId);
}

export function typingChanged(state: ChatState, peerId: number, typing: boolean, until: number): ChatState {
  const typingUntil = { ...state.typingUntil };
  if (typing) typingUntil[peerId] = until;
  else delete typingUntil[peerId];
  return { ...state, typingUntil };
}

export function connectionChanged(state: ChatState, connection: ConnectionStatus): ChatState {
  return state.connection === connection ? state : { ...state, connection };
}
