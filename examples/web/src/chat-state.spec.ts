import type { ChatDto, MessageDto } from '@parley/client';
import {
  blockChanged,
  blocksLoaded,
  chatName,
  type ChatState,
  chatsChanged,
  downloadFileName,
  isBlocked,
  isMuted,
  muteChanged,
  messageReported,
  pendingDismissed,
  sendFailed,
  sendRefused,
  chatsLoaded,
  historyLoaded,
  initialChatState,
  messageDeleted,
  messagePreview,
  messageReceived,
  messagesChanged,
  messagesRead,
  reactionChanged,
  sendConfirmed,
  sendStarted,
} from './chat-state';
import { ME, message, PEER } from './message-fixture';

const EDITED_AT = '2026-11-25T12:05:00.000Z';
const DELETED_AT = '2026-11-25T12:06:00.000Z';

function chat(lastMessage: MessageDto, unreadCount: number): ChatDto {
  return {
    user_id: PEER,
    username: 'peer',
    deleted: false,
    last_message: lastMessage,
    unread_count: unreadCount,
    muted: false,
    muted_until: null,
  };
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

  it("replaces a changed message by id, in the conversation and as the chat's last message", () => {
    const edited = message(3, PEER, { message: 'fixed', edited_at: EDITED_AT });
    const state = messagesChanged(withOpenChat(), [edited], ME);
    expect(state.conversations[PEER].messages.map((m) => m.message)).toEqual(['message 1', 'message 2', 'fixed']);
    expect(state.chats[0].last_message).toEqual(edited);
    const again = messagesChanged(state, [edited], ME);
    expect(again.conversations[PEER].messages).toEqual(state.conversations[PEER].messages);
  });

  it('leaves alone a changed message it does not hold (a later page brings it as it is then)', () => {
    const state = messagesChanged(
      withOpenChat(),
      [message(99, PEER, { message: 'elsewhere', edited_at: EDITED_AT })],
      ME,
    );
    expect(state.conversations[PEER].messages.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(state.chats[0].last_message.id).toBe(3);
  });

  it('turns a deleted message into its tombstone, and lowers the unread count once if it was unread', () => {
    const deleted = { id: 3, sender_id: PEER, recipient_id: ME, deleted_at: DELETED_AT };
    const once = messageDeleted(withOpenChat(2), deleted, ME);
    const tombstone = once.conversations[PEER].messages[2];
    expect(tombstone).toMatchObject({ id: 3, message: '', reactions: [], deleted_at: DELETED_AT });
    expect(once.chats[0].last_message).toEqual(tombstone);
    expect(once.chats[0].unread_count).toBe(1);
    expect(messageDeleted(once, deleted, ME)).toBe(once);
  });

  it("drops a deleted message's files with its text, wherever it is held", () => {
    const photo = { id: 'a1', content_type: 'image/png', size: 10, name: 'photo.png', url: '/attachments/a1' };
    const withFile = messagesChanged(withOpenChat(), [message(3, PEER, { attachments: [photo] })], ME);
    expect(withFile.conversations[PEER].messages[2].attachments).toEqual([photo]);
    const deleted = messageDeleted(withFile, { id: 3, sender_id: PEER, recipient_id: ME, deleted_at: DELETED_AT }, ME);
    expect(deleted.conversations[PEER].messages[2].attachments).toEqual([]);
    expect(deleted.chats[0].last_message.attachments).toEqual([]);
  });

  it('previews a message by its text, by its files when it has none, or as deleted', () => {
    const file = (name: string) => ({
      id: name,
      content_type: 'image/jpeg',
      size: 1,
      name,
      url: `/attachments/${name}`,
    });
    expect(messagePreview(message(1, PEER, { message: 'Hello' }))).toBe('Hello');
    expect(messagePreview(message(1, PEER, { message: '', attachments: [file('photo.jpg')] }))).toBe('📎 photo.jpg');
    expect(messagePreview(message(1, PEER, { message: '', attachments: [file('a.jpg'), file('b.pdf')] }))).toBe(
      '📎 a.jpg, b.pdf',
    );
    expect(messagePreview(message(1, PEER, { message: 'Look', attachments: [file('photo.jpg')] }))).toBe('📎 Look');
    expect(messagePreview(message(1, PEER, { message: '', attachments: [], deleted_at: DELETED_AT }))).toBe(
      'This message was deleted',
    );
  });

  it('does not lower the unread count for a deleted message that was read, or was mine', () => {
    const read = historyLoaded(withOpenChat(1), PEER, 'newer', {
      messages: [message(3, PEER, { read: true, read_at: EDITED_AT })],
      next_cursor: null,
    });
    const deletedRead = messageDeleted(read, { id: 3, sender_id: PEER, recipient_id: ME, deleted_at: DELETED_AT }, ME);
    expect(deletedRead.chats[0].unread_count).toBe(1);
    const mine = historyLoaded(withOpenChat(1), PEER, 'newer', { messages: [message(4, ME)], next_cursor: null });
    const deletedMine = messageDeleted(mine, { id: 4, sender_id: ME, recipient_id: PEER, deleted_at: DELETED_AT }, ME);
    expect(deletedMine.conversations[PEER].messages[3].deleted_at).toBe(DELETED_AT);
    expect(deletedMine.chats[0].unread_count).toBe(1);
  });

  it('keeps a tombstone and a newer edit against a stale copy that arrives later', () => {
    const deleted = messageDeleted(
      withOpenChat(),
      { id: 2, sender_id: PEER, recipient_id: ME, deleted_at: DELETED_AT },
      ME,
    );
    const edited = messagesChanged(deleted, [message(3, PEER, { message: 'v2', edited_at: EDITED_AT })], ME);
    // A page asked for before both changes, answered after them; and a reaction event carrying the old text.
    const stalePage = historyLoaded(edited, PEER, 'latest', {
      messages: [message(1), message(2), message(3)],
      next_cursor: null,
    });
    const staleEvent = messagesChanged(
      stalePage,
      [message(2, PEER, { reactions: [{ emoji: '👍', user_ids: [ME] }] })],
      ME,
    );
    const staleChat = chatsChanged(staleEvent, [{ ...chat(message(3), 0), peer_read_up_to: 0 }]);
    const [, second, third] = staleChat.conversations[PEER].messages;
    expect(second).toMatchObject({ message: '', deleted_at: DELETED_AT, reactions: [] });
    expect(third).toMatchObject({ message: 'v2', edited_at: EDITED_AT });
    expect(staleChat.chats[0].last_message).toMatchObject({ message: 'v2', edited_at: EDITED_AT });
  });

  it('requotes the replies of a message that was edited or deleted', () => {
    const quote = { id: 1, sender_id: PEER, preview: 'message 1', deleted: false };
    const replied = historyLoaded(withOpenChat(), PEER, 'newer', {
      messages: [message(4, ME, { reply_to: quote })],
      next_cursor: null,
    });
    const edited = messagesChanged(replied, [message(1, PEER, { message: 'x'.repeat(200), edited_at: EDITED_AT })], ME);
    expect(edited.conversations[PEER].messages[3].reply_to).toEqual({ ...quote, preview: 'x'.repeat(140) });
    const deleted = messageDeleted(edited, { id: 1, sender_id: PEER, recipient_id: ME, deleted_at: DELETED_AT }, ME);
    expect(deleted.conversations[PEER].messages[3].reply_to).toEqual({ ...quote, preview: '', deleted: true });
  });

  it('adds my reaction once, keeps the order of first use, and takes it back', () => {
    const theirs = messagesChanged(
      withOpenChat(),
      [message(3, PEER, { reactions: [{ emoji: '👍', user_ids: [PEER] }] })],
      ME,
    );
    const add = (state: ChatState, emoji: string) =>
      reactionChanged(state, PEER, 3, { emoji, userId: ME, added: true }, ME);
    const added = add(add(add(theirs, '😂'), '👍'), '👍');
    expect(added.conversations[PEER].messages[2].reactions).toEqual([
      { emoji: '👍', user_ids: [PEER, ME] },
      { emoji: '😂', user_ids: [ME] },
    ]);
    const removed = reactionChanged(added, PEER, 3, { emoji: '😂', userId: ME, added: false }, ME);
    expect(removed.conversations[PEER].messages[2].reactions).toEqual([{ emoji: '👍', user_ids: [PEER, ME] }]);
    expect(removed.chats[0].last_message.reactions).toEqual([{ emoji: '👍', user_ids: [PEER, ME] }]);
  });

  it('after a /sync reset, replaces the messages held with the reloaded page, keeping newer live ones', () => {
    const live = messageReceived(withOpenChat(), message(7), ME);
    const reloaded = historyLoaded(live, PEER, 'reload', {
      messages: [message(2, PEER, { message: 'edited while away', edited_at: EDITED_AT }), message(5)],
      next_cursor: 2,
    });
    const conversation = reloaded.conversations[PEER];
    expect(conversation.messages.map((m) => [m.id, m.message])).toEqual([
      [2, 'edited while away'],
      [5, 'message 5'],
      [7, 'message 7'],
    ]);
    expect(conversation.restMark).toBe(5);
    expect(conversation.olderCursor).toBe(2);
  });

  it('keeps a refused send on screen with the reason, apart from one that may yet go, until it is put away', () => {
    const started = sendStarted(
      sendStarted(withOpenChat(), PEER, { idempotencyKey: 'k1', message: 'hi', status: 'sending' }),
      PEER,
      { idempotencyKey: 'k2', message: 'there', status: 'sending' },
    );
    const refused = sendRefused(sendFailed(started, PEER, 'k2'), PEER, 'k1', 'You cannot message this user');
    expect(refused.conversations[PEER].pending).toEqual([
      { idempotencyKey: 'k1', message: 'hi', status: 'refused', refusal: 'You cannot message this user' },
      { idempotencyKey: 'k2', message: 'there', status: 'failed' },
    ]);
    const dismissed = pendingDismissed(refused, PEER, 'k1');
    expect(dismissed.conversations[PEER].pending.map((entry) => entry.idempotencyKey)).toEqual(['k2']);
  });

  it('knows whom I blocked, from GET /blocks and from my own blocks and unblocks, each once', () => {
    const loaded = blocksLoaded(withOpenChat(), [7, 3, 7]);
    expect(loaded.blocked).toEqual([3, 7]);
    const blocked = blockChanged(loaded, PEER, true);
    expect(isBlocked(blocked, PEER)).toBe(true);
    expect(blockChanged(blocked, PEER, true)).toBe(blocked);
    const unblocked = blockChanged(blocked, PEER, false);
    expect(isBlocked(unblocked, PEER)).toBe(false);
    expect(unblocked.blocked).toEqual([3, 7]);
    expect(blockChanged(unblocked, PEER, false)).toBe(unblocked);
  });

  it('marks a reported message once', () => {
    const reported = messageReported(withOpenChat(), 3);
    expect(reported.reported).toEqual([3]);
    expect(messageReported(reported, 3)).toBe(reported);
  });

  it('shows a mute from the chat list, from my own mute and unmute, and lets a timed one lapse', () => {
    const NOW = Date.parse('2026-11-25T12:00:00.000Z');
    const listed = chatsLoaded(initialChatState, [chat(message(3), 0)]);
    expect(isMuted(listed.chats[0], NOW)).toBe(false);
    const muted = muteChanged(listed, PEER, true);
    expect(muted.chats[0]).toMatchObject({ muted: true, muted_until: null });
    expect(isMuted(muted.chats[0], NOW)).toBe(true);
    expect(muteChanged(muted, PEER, true)).toBe(muted);
    const timed = muteChanged(muted, PEER, true, '2026-11-25T13:00:00.000Z');
    expect(isMuted(timed.chats[0], NOW)).toBe(true);
    expect(isMuted(timed.chats[0], Date.parse('2026-11-25T13:00:01.000Z'))).toBe(false);
    const unmuted = muteChanged(timed, PEER, false, '2026-11-25T13:00:00.000Z');
    expect(unmuted.chats[0]).toMatchObject({ muted: false, muted_until: null });
    expect(isMuted(unmuted.chats[0], NOW)).toBe(false);
    // Not listed: the server has no chat to mute, and the state stays as it was.
    expect(muteChanged(listed, 99, true)).toBe(listed);
    expect(isMuted(undefined, NOW)).toBe(false);
  });

  it('takes the mute from a /sync chat like the rest of the chat', () => {
    const muted = muteChanged(withOpenChat(), PEER, true);
    const synced = chatsChanged(muted, [{ ...chat(message(3), 0), peer_read_up_to: 0 }]);
    expect(isMuted(synced.chats[0])).toBe(false);
  });

  it('names a deleted account as such: its username is empty', () => {
    expect(chatName({ username: '', deleted: true })).toBe('Deleted account');
    expect(chatName({ username: 'peer', deleted: false })).toBe('peer');
  });

  it("saves a download under the server's file name, never a path, or else the fallback", () => {
    const fallback = 'parley-export.json';
    expect(downloadFileName('attachment; filename="parley-export-7.json"', fallback)).toBe('parley-export-7.json');
    expect(downloadFileName('attachment; filename=export.json', fallback)).toBe('export.json');
    expect(downloadFileName(`attachment; filename="x.json"; filename*=UTF-8''caf%C3%A9.json`, fallback)).toBe(
      'café.json',
    );
    expect(downloadFileName('attachment; filename="../../etc/passwd"', fallback)).toBe('passwd');
    expect(downloadFileName('attachment', fallback)).toBe(fallback);
    expect(downloadFileName(null, fallback)).toBe(fallback);
  });
});
