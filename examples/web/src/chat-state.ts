/*
 * What the client knows, and the pure functions that change it. Every input
 * (a REST page, a /sync answer, a live event, the client's own send) goes
 * through one of these, and each is idempotent: the same message or receipt
 * arriving twice, or in another order, ends in the same state. That is what
 * lets live events and /sync overlap freely.
 */
import type {
  ChatDto,
  CreateReportDto,
  MessageDeletedEventDto,
  MessageDto,
  MessageReadEventDto,
  ReactionDto,
  SyncChatDto,
  UploadDto,
} from '@parley/client';

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
  /**
   * `after` for the next newer page while REST's messages stop short of the latest: opened at a search result (a
   * gap above it), or between two pages of a catch-up. Messages held above `restMark` then sit beyond the gap.
   * Null once the latest page is loaded.
   */
  newerCursor: number | null;
  /** The highest id of mine that the peer has read. */
  peerReadUpTo: number;
  /** Sends not yet confirmed, by idempotency key. */
  pending: PendingMessage[];
}

export interface PendingMessage {
  idempotencyKey: string;
  message: string;
  /** The message this one replies to (`reply_to_id`), kept for a retry. */
  replyToId?: number;
  /** The files sent with it (`attachment_ids`), kept for a retry: the same key with the same ids stores it once. */
  attachments?: UploadDto[];
  /**
   * `failed`: it may yet go (a network failure, a 5xx or a 429), so Retry is offered. `refused`: the server said
   * no for good (a 4xx, such as 403 "You cannot message this user" once either of you blocked the other), and
   * `refusal` says why; sending it again would get the same answer.
   */
  status: 'sending' | 'failed' | 'refused';
  refusal?: string;
}

export type ConnectionStatus = 'connecting' | 'live' | 'offline';

export interface ChatState {
  /** The chat list, newest last message first; `unread_count` as the server counts it. */
  chats: ChatDto[];
  conversations: Record<number, Conversation>;
  /** Peers typing to me now, with when their indicator lapses (ms since epoch) if no update comes. */
  typingUntil: Record<number, number>;
  connection: ConnectionStatus;
  /** The users I blocked: `GET /blocks`, then my own blocks and unblocks. */
  blocked: number[];
  /** Messages I reported from this tab: each shows "Reported" (the server does not list a user's reports). */
  reported: number[];
}

export const initialChatState: ChatState = {
  chats: [],
  conversations: {},
  typingUntil: {},
  connection: 'connecting',
  blocked: [],
  reported: [],
};

const emptyConversation: Conversation = {
  messages: [],
  restMark: 0,
  olderCursor: null,
  newerCursor: null,
  peerReadUpTo: 0,
  pending: [],
};

function conversationOf(state: ChatState, peerId: number): Conversation {
  return state.conversations[peerId] ?? emptyConversation;
}

function withConversation(state: ChatState, peerId: number, conversation: Conversation): ChatState {
  return { ...state, conversations: { ...state.conversations, [peerId]: conversation } };
}

function sortChats(chats: ChatDto[]): ChatDto[] {
  return chats.sort((a, b) => b.last_message.id - a.last_message.id);
}

/**
 * Two copies of one message, from sources that may arrive out of order (a REST page asked for before a live
 * event, a live event after /sync): the incoming one wins, except where a field only ever moves one way. A
 * tombstone stays a tombstone, a read message stays read, and an older edit does not undo a newer one.
 */
function newerCopy(current: MessageDto | undefined, incoming: MessageDto): MessageDto {
  if (!current) return incoming;
  const read = current.read || incoming.read ? { read: true, read_at: incoming.read_at ?? current.read_at } : {};
  if (current.deleted_at !== null && incoming.deleted_at === null) return { ...current, ...read };
  const olderEdit =
    incoming.deleted_at === null &&
    current.edited_at !== null &&
    (incoming.edited_at === null || Date.parse(incoming.edited_at) < Date.parse(current.edited_at));
  const text = olderEdit ? { message: current.message, edited_at: current.edited_at } : {};
  return { ...incoming, ...read, ...text };
}

/** Merges messages by id through newerCopy. */
function mergeMessages(current: MessageDto[], incoming: MessageDto[]): MessageDto[] {
  const byId = new Map(current.map((message) => [message.id, message]));
  for (const message of incoming) byId.set(message.id, newerCopy(byId.get(message.id), message));
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/** How much of a parent a reply quotes: 140 characters (code points, as the server counts them). */
const REPLY_PREVIEW_LENGTH = 140;

/** Replies quote their parent as it is now: an edit or delete of the parent changes the quote too. */
function requote(messages: MessageDto[], parent: MessageDto): MessageDto[] {
  return messages.map((message) =>
    message.reply_to?.id === parent.id
      ? {
          ...message,
          reply_to: {
            ...message.reply_to,
            preview: Array.from(parent.message).slice(0, REPLY_PREVIEW_LENGTH).join(''),
            deleted: parent.deleted_at !== null,
          },
        }
      : message,
  );
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
  if (!local || local.last_message.id < server.last_message.id) return server;
  if (local.last_message.id > server.last_message.id) return local;
  return { ...server, last_message: newerCopy(local.last_message, server.last_message) };
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
 * A `reload` is a latest page after a /sync `reset`, when changes to the
 * messages held may have gone unlisted: it replaces them, keeping only live
 * messages newer than the page (the next `after=` covers those). An `around`
 * page ends at a message opened from search (`before` = its id + 1): it
 * replaces what is held below it the same way, and what lies above it is
 * paged with `after=` (search.ts, openedAtMessage).
 */
export function historyLoaded(
  state: ChatState,
  peerId: number,
  kind: 'latest' | 'older' | 'newer' | 'reload' | 'around',
  page: { messages: MessageDto[]; next_cursor: number | null },
): ChatState {
  const conversation = conversationOf(state, peerId);
  const highest = page.messages.at(-1)?.id ?? 0;
  if (kind === 'reload' || kind === 'around') {
    const above = conversation.messages.filter((message) => message.id > highest);
    return withConversation(state, peerId, {
      ...conversation,
      messages: mergeMessages(page.messages, above),
      restMark: highest,
      olderCursor: page.next_cursor,
      // A latest page reaches the newest message; a page ending at an older one may have a gap above it.
      newerCursor: kind === 'around' ? highest : null,
    });
  }
  return withConversation(state, peerId, {
    ...conversation,
    messages: mergeMessages(conversation.messages, page.messages),
    restMark: Math.max(conversation.restMark, highest),
    olderCursor: kind === 'newer' ? conversation.olderCursor : page.next_cursor,
    newerCursor: kind === 'newer' ? page.next_cursor : conversation.newerCursor,
  });
}

/**
 * A conversation's messages on either side of its gap (see `newerCursor`): those REST gave without a break, and
 * those beyond, held from before or arrived live. Without a gap, all of them come first.
 */
export function splitAtGap(conversation: Conversation): [MessageDto[], MessageDto[]] {
  if (conversation.newerCursor === null) return [conversation.messages, []];
  return [
    conversation.messages.filter((message) => message.id <= conversation.restMark),
    conversation.messages.filter((message) => message.id > conversation.restMark),
  ];
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

/**
 * Messages that changed: a live `message.updated`, /sync's `messages`, or the answer to my own edit. Each
 * replaces the copy held by id, in the conversation and as the chat list's last message, and requotes its
 * replies; one the client does not hold is left alone (the page that brings it later has it as it is then).
 */
export function messagesChanged(state: ChatState, changed: MessageDto[], myId: number): ChatState {
  let next = state;
  for (const message of changed) {
    const peerId = peerOf(message, myId);
    const chats = next.chats.map((chat) =>
      chat.user_id === peerId && chat.last_message.id === message.id
        ? { ...chat, last_message: newerCopy(chat.last_message, message) }
        : chat,
    );
    next = { ...next, chats };
    const conversation = next.conversations[peerId];
    if (!conversation) continue;
    const held = conversation.messages.find((candidate) => candidate.id === message.id);
    if (!held) continue;
    const merged = newerCopy(held, message);
    const messages = conversation.messages.map((candidate) => (candidate.id === message.id ? merged : candidate));
    next = withConversation(next, peerId, { ...conversation, messages: requote(messages, merged) });
  }
  return next;
}

/** The copy of a message the client holds (in its conversation, or as its chat's last message), if any. */
export function heldMessage(state: ChatState, peerId: number, messageId: number): MessageDto | undefined {
  return (
    state.conversations[peerId]?.messages.find((message) => message.id === messageId) ??
    state.chats.find((chat) => chat.user_id === peerId && chat.last_message.id === messageId)?.last_message
  );
}

/**
 * A message deleted for everyone (`message.deleted`, or my own delete's answer) becomes its tombstone
 * wherever it is held. If it was to me and still unread, the chat's unread count drops by one, as the
 * server's did; a repeat finds the tombstone and changes nothing.
 */
export function messageDeleted(state: ChatState, deleted: MessageDeletedEventDto, myId: number): ChatState {
  const peerId = deleted.sender_id === myId ? deleted.recipient_id : deleted.sender_id;
  const held = heldMessage(state, peerId, deleted.id);
  if (!held || held.deleted_at !== null) return state;
  // As the server has it now: no text, no reactions, and no files (they left storage with the message).
  const tombstone: MessageDto = {
    ...held,
    message: '',
    reactions: [],
    attachments: [],
    deleted_at: deleted.deleted_at,
  };
  const counted = deleted.recipient_id === myId && !held.read;
  const next = {
    ...state,
    chats: state.chats.map((chat) =>
      chat.user_id === peerId && counted ? { ...chat, unread_count: Math.max(0, chat.unread_count - 1) } : chat,
    ),
  };
  return messagesChanged(next, [tombstone], myId);
}

/** My reaction added or taken back (the 204 carries no message): applied to the copy held, as the server did. */
export function reactionChanged(
  state: ChatState,
  peerId: number,
  messageId: number,
  change: { emoji: string; userId: number; added: boolean },
  myId: number,
): ChatState {
  const held = heldMessage(state, peerId, messageId);
  if (!held || held.deleted_at !== null) return state;
  return messagesChanged(state, [{ ...held, reactions: withReaction(held.reactions, change) }], myId);
}

function withReaction(
  reactions: ReactionDto[],
  { emoji, userId, added }: { emoji: string; userId: number; added: boolean },
): ReactionDto[] {
  const existing = reactions.find((reaction) => reaction.emoji === emoji);
  if (added) {
    if (!existing) return [...reactions, { emoji, user_ids: [userId] }];
    if (existing.user_ids.includes(userId)) return reactions;
  }
  return reactions
    .map((reaction) =>
      reaction.emoji !== emoji
        ? reaction
        : {
            emoji,
            user_ids: added ? [...reaction.user_ids, userId] : reaction.user_ids.filter((id) => id !== userId),
          },
    )
    .filter((reaction) => reaction.user_ids.length > 0);
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
/** A final refusal (a 4xx other than 429): the message stays on screen with the server's reason, and no Retry. */
export function sendRefused(state: ChatState, peerId: number, idempotencyKey: string, refusal: string): ChatState {
  const conversation = conversationOf(state, peerId);
  const pending = conversation.pending.map((entry) =>
    entry.idempotencyKey === idempotencyKey ? { ...entry, status: 'refused' as const, refusal } : entry,
  );
  return withConversation(state, peerId, { ...conversation, pending });
}

/** The user put away a message that was not sent. */
export function pendingDismissed(state: ChatState, peerId: number, idempotencyKey: string): ChatState {
  const conversation = conversationOf(state, peerId);
  const pending = conversation.pending.filter((entry) => entry.idempotencyKey !== idempotencyKey);
  return withConversation(state, peerId, { ...conversation, pending });
}

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

/** Every page of `GET /blocks`: the users I blocked, as the server has them now. */
export function blocksLoaded(state: ChatState, userIds: number[]): ChatState {
  return { ...state, blocked: [...new Set(userIds)].sort((a, b) => a - b) };
}

/** My own block (`PUT /blocks/{id}`) or unblock (`DELETE`), once the server said 204. Repeating one changes nothing. */
export function blockChanged(state: ChatState, userId: number, blocked: boolean): ChatState {
  if (isBlocked(state, userId) === blocked) return state;
  return blocksLoaded(state, blocked ? [...state.blocked, userId] : state.blocked.filter((id) => id !== userId));
}

export function isBlocked(state: ChatState, userId: number): boolean {
  return state.blocked.includes(userId);
}

/** My report of a message was filed (201). */
export function messageReported(state: ChatState, messageId: number): ChatState {
  return state.reported.includes(messageId) ? state : { ...state, reported: [...state.reported, messageId] };
}

/**
 * Whether a chat is muted now, as `GET /chat` and `/sync` report it (or my own mute set it): `muted`, and its
 * `muted_until` (null: until unmuted) not yet passed on this clock.
 */
export function isMuted(chat: Pick<ChatDto, 'muted' | 'muted_until'> | undefined, now = Date.now()): boolean {
  if (!chat?.muted) return false;
  return chat.muted_until === null || Date.parse(chat.muted_until) > now;
}

/**
 * My mute (`PUT /chats/{id}/mute`, until `until` or, with null, until unmuted) or unmute (`DELETE`), once the
 * server said 204. A chat not listed is left alone (the server has no chat to mute); repeating one changes nothing.
 */
export function muteChanged(state: ChatState, peerId: number, muted: boolean, until: string | null = null): ChatState {
  const mutedUntil = muted ? until : null;
  const listed = state.chats.find((chat) => chat.user_id === peerId);
  if (!listed || (listed.muted === muted && listed.muted_until === mutedUntil)) return state;
  return {
    ...state,
    chats: state.chats.map((chat) => (chat.user_id === peerId ? { ...chat, muted, muted_until: mutedUntil } : chat)),
  };
}

/** How a chat's peer is named: a deleted account has an empty username, and is shown as such. */
export function chatName(chat: Pick<ChatDto, 'username' | 'deleted'>): string {
  return chat.deleted ? 'Deleted account' : chat.username;
}

/**
 * A message in one line, as the chat list previews it: its text, the names of its files when it has none
 * ("📎 photo.jpg"), or that it was deleted. A message with files and text shows the text, marked with the clip.
 */
export function messagePreview(message: Pick<MessageDto, 'message' | 'attachments' | 'deleted_at'>): string {
  if (message.deleted_at !== null) return 'This message was deleted';
  if (message.attachments.length === 0) return message.message;
  return `📎 ${message.message || message.attachments.map((attachment) => attachment.name).join(', ')}`;
}

/** What a report can say is wrong (POST /reports `reason`), as the picker shows it. */
export const REPORT_REASONS = {
  spam: 'Spam',
  harassment: 'Harassment or bullying',
  hate: 'Hate speech',
  sexual: 'Sexual content',
  violence: 'Violence or threats',
  self_harm: 'Self-harm',
  other: 'Something else',
} as const satisfies Record<ReportReason, string>;

export type ReportReason = CreateReportDto['reason'];

/**
 * The name to save an export under: the server's `Content-Disposition` filename when it gives one (plain or
 * RFC 5987 `filename*=UTF-8''…`), else `fallback`. Only a bare file name is kept, never a path.
 */
export function downloadFileName(contentDisposition: string | null, fallback: string): string {
  const header = contentDisposition ?? '';
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header)?.[1];
  let name: string | undefined;
  if (extended) {
    try {
      name = decodeURIComponent(extended.trim());
    } catch {
      name = undefined;
    }
  }
  name ??= /filename\s*=\s*(?:"([^"]*)"|([^;\s]+))/i
    .exec(header)
    ?.slice(1)
    .find((part) => part !== undefined);
  const bare = name?.split(/[\\/]/).at(-1)?.trim();
  return bare ? bare : fallback;
}
