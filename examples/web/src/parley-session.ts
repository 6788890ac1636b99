/*
 * One signed-in user's connection to Parley: the REST client, the live
 * socket, and the catch-up that makes the two lose nothing together
 * (docs/realtime.md, "The client's algorithm"). React reads its state through
 * useSyncExternalStore; nothing in here knows about components.
 */
import {
  addReaction,
  blockUser,
  type ChatDto,
  type Client,
  connectLive,
  createClient,
  createReport,
  type CurrentUserDto,
  deleteAccount,
  deleteMessage,
  editMessage,
  type ErrorResponseDto,
  getChatHistory,
  listBlocked,
  listChats,
  listUsers,
  type LiveSocket,
  logout,
  markChatRead,
  type MessageDto,
  type MessagePageDto,
  removeReaction,
  type SearchPageDto,
  searchMessages,
  sendMessage,
  syncChats,
  unblockUser,
  type UploadDto,
  type UserSummaryDto,
} from '@parley/client';
import { describeError } from './api-error';
import { saveBlob } from './attachments';
import {
  blockChanged,
  blocksLoaded,
  type ChatState,
  type PendingMessage,
  chatsChanged,
  chatsLoaded,
  connectionChanged,
  downloadFileName,
  hasChat,
  heldMessage,
  historyLoaded,
  initialChatState,
  messageDeleted,
  messageReceived,
  messagesChanged,
  messageReported,
  messagesRead,
  muteChanged,
  peerOf,
  pendingDismissed,
  reactionChanged,
  type ReportReason,
  sendConfirmed,
  sendFailed,
  sendRefused,
  sendStarted,
  typingChanged,
} from './chat-state';
import { PushNotifications, setChatMute } from './notifications';
import { openedAtMessage } from './search';

/** While the user keeps typing, say so again this often (the server rate-limits typing per user). */
const TYPING_RENEW_MS = 3_000;
/** Say "stopped typing" after this long without a keystroke. */
const TYPING_IDLE_MS = 4_000;
/** A peer's indicator lapses if neither a renewal nor a stop comes (a lost event, a closed tab). */
const TYPING_SHOWN_MS = 8_000;
/** /sync also runs on a timer: it catches an event lost when a server died between commit and emit. */
const SYNC_EVERY_MS = 3 * 60_000;
const SEND_ATTEMPTS = 3;
/**
 * The server's MESSAGE_EDIT_WINDOW_SECONDS as shipped (900 s). The client offers Edit only this long after
 * sending; the server is the judge (a deployment may set another window, and clocks differ) and says 403 after.
 */
const EDIT_WINDOW_MS = 900_000;

export type SignedOutReason =
  'logout' | 'logout_all' | 'password_changed' | 'suspended' | 'account_deleted' | 'expired';

/** An idempotency key made once per message. `crypto.randomUUID` exists only on https or localhost pages. */
function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ParleySession {
  private state: ChatState = initialChatState;
  private readonly listeners = new Set<() => void>();
  /** The SDK client with my token: what attachments.ts fetches and uploads files with. */
  readonly api: Client;
  private readonly socket: LiveSocket;
  /** The last /sync's `next_cursor`, stored only once its answer is applied. */
  private syncCursor: string | null = null;
  private catchingUp: Promise<void> | null = null;
  private catchUpAgain = false;
  private readonly markingRead = new Set<number>();
  private readonly typingSentAt = new Map<number, number>();
  private readonly typingIdle = new Map<number, ReturnType<typeof setTimeout>>();
  private readonly teardown: (() => void)[] = [];
  /** Counts my blocks and unblocks, so a `GET /blocks` answered from before one of them is not applied over it. */
  private blockWrites = 0;
  /** This browser's Web Push subscription for me: "Enable notifications". */
  readonly push: PushNotifications;

  constructor(
    readonly me: CurrentUserDto,
    private readonly token: string,
    private readonly onSignedOut: (reason: SignedOutReason) => void,
  ) {
    const baseUrl = window.location.origin;
    this.api = createClient({ baseUrl, auth: token });
    this.push = new PushNotifications(this.api, me.id);
    this.socket = connectLive(baseUrl, token, { autoConnect: false });
  }

  // --- the store React subscribes to ---

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getState = (): ChatState => this.state;

  private update(change: (state: ChatState) => ChatState): void {
    const next = change(this.state);
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.listeners) listener();
  }

  // --- lifecycle ---

  start(): void {
    const { socket } = this;
    // Step 1: the socket first, so nothing from now on goes unannounced; every (re)connect then catches up.
    socket.on('connect', () => {
      this.update((state) => connectionChanged(state, 'live'));
      // A new socket starts as not away: say so when this tab is hidden already.
      if (document.visibilityState === 'hidden') this.sayAway();
      this.catchUp();
      // Whom I blocked: I may have changed it in another tab meanwhile.
      this.loadBlocks().catch((error: unknown) => console.warn('loading blocks failed', error));
    });
    socket.on('disconnect', () => {
      this.update((state) => connectionChanged(state, navigator.onLine ? 'connecting' : 'offline'));
    });
    socket.on('connect_error', (error) => {
      if ((error as { data?: { statusCode?: number } }).data?.statusCode === 401) this.onSignedOut('expired');
    });
    socket.on('message.new', (message) => {
      const peerId = peerOf(message, this.me.id);
      if (message.sender_id === peerId) this.update((state) => typingChanged(state, peerId, false, 0));
      if (!hasChat(this.state, peerId)) this.catchUp();
      this.update((state) => messageReceived(state, message, this.me.id));
    });
    socket.on('message.read', (receipt) => this.update((state) => messagesRead(state, receipt, this.me.id)));
    // An edit or a reaction: the whole message as it is now, to replace by id.
    socket.on('message.updated', (message) => this.update((state) => messagesChanged(state, [message], this.me.id)));
    socket.on('message.deleted', (deleted) => {
      const peerId = deleted.sender_id === this.me.id ? deleted.recipient_id : deleted.sender_id;
      // A message to me that this client does not hold may have been unread: /sync brings the chat's exact count.
      if (deleted.recipient_id === this.me.id && !heldMessage(this.state, peerId, deleted.id)) this.catchUp();
      this.update((state) => messageDeleted(state, deleted, this.me.id));
    });
    // A broadcast names no message id: /sync brings the chat it landed in.
    socket.on('broadcast.new', () => this.catchUp());
    socket.on('typing', ({ user_id: peerId, typing }) => {
      this.update((state) => typingChanged(state, peerId, typing, Date.now() + TYPING_SHOWN_MS));
      if (typing) setTimeout(() => this.expireTyping(peerId), TYPING_SHOWN_MS);
    });
    socket.on('session.revoked', ({ reason }) => this.onSignedOut(reason));
    socket.on('session.expired', () => this.onSignedOut('expired'));

    // The browser knows before the socket does: go offline at once, reconnect (and catch up) when back.
    this.listen(window, 'offline', () => {
      socket.disconnect();
      this.update((state) => connectionChanged(state, 'offline'));
    });
    this.listen(window, 'online', () => socket.connect());
    this.listen(window, 'focus', () => this.catchUp());
    // A hidden tab must not swallow notifications: while every tab of mine is hidden, the server pushes.
    const onVisibility = () => this.sayAway();
    document.addEventListener('visibilitychange', onVisibility);
    this.teardown.push(() => document.removeEventListener('visibilitychange', onVisibility));
    const timer = setInterval(() => this.catchUp(), SYNC_EVERY_MS);
    this.teardown.push(() => clearInterval(timer));

    if (navigator.onLine) socket.connect();
    else this.update((state) => connectionChanged(state, 'offline'));
  }

  /** Undoes start(); React's StrictMode calls the pair twice in development, so both can run again. */
  stop(): void {
    for (const undo of this.teardown.splice(0)) undo();
    for (const timer of this.typingIdle.values()) clearTimeout(timer);
    this.typingIdle.clear();
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }

  /** Ends this session on the server; its sockets then get `session.revoked` and close. */
  async logOut(): Promise<void> {
    // While the token still works: this browser stops getting my notifications once I am gone from it.
    await this.push.forget();
    await logout({ client: this.api }).catch(() => undefined);
    this.onSignedOut('logout');
  }

  /** Everyone online now except me: whom a new chat can start with. */
  async listActiveUsers(): Promise<UserSummaryDto[]> {
    const { data: page } = await listUsers({
      client: this.api,
      query: { type: 'active', limit: 200 },
      throwOnError: true,
    });
    return page.users.filter((user) => user.id !== this.me.id);
  }

  private sayAway(): void {
    if (!this.socket.connected) return;
    this.socket.emit('presence.away', { away: document.visibilityState === 'hidden' }, (answer) => {
      if (!('ok' in answer)) console.warn('presence.away refused', answer);
    });
  }

  private listen(target: Window, event: string, handler: () => void): void {
    target.addEventListener(event, handler);
    this.teardown.push(() => target.removeEventListener(event, handler));
  }

  // --- catching up: steps 2 to 4 ---

  /** Runs /sync now, or once more after the run in progress, so two never overlap. */
  catchUp(): void {
    if (this.catchingUp) {
      this.catchUpAgain = true;
      return;
    }
    this.catchingUp = (async () => {
      do {
        this.catchUpAgain = false;
        await this.syncOnce();
      } while (this.catchUpAgain);
    })()
      // A failed catch-up is retried by the next reconnect, focus or timer; the state stays as it was.
      .catch((error: unknown) => console.warn('catch-up failed', error))
      .finally(() => {
        this.catchingUp = null;
      });
  }

  private async syncOnce(): Promise<void> {
    const { data: sync } = await syncChats({
      client: this.api,
      query: this.syncCursor === null ? undefined : { since: this.syncCursor },
      throwOnError: true,
    });
    let changedPeers: number[];
    if (sync.reset) {
      const chats = await this.listAllChats();
      this.update((state) => chatsLoaded(state, chats));
      changedPeers = Object.keys(this.state.conversations).map(Number);
      // Changes to the messages held went unlisted: each held conversation starts again from its latest page.
      for (const peerId of changedPeers) await this.loadHistory(peerId, 'reload', {});
    } else {
      this.update((state) => chatsChanged(state, sync.chats));
      // Edits, deletions and reactions since the cursor, applied by id to what this client holds.
      this.update((state) => messagesChanged(state, sync.messages, this.me.id));
      changedPeers = sync.chats.map((chat) => chat.user_id);
    }
    // New messages come from REST only, from each held conversation's mark: `after=` is gap-free by design.
    for (const peerId of changedPeers) {
      if (this.state.conversations[peerId]) await this.loadNewer(peerId);
    }
    this.syncCursor = sync.next_cursor;
  }

  private async listAllChats(): Promise<ChatDto[]> {
    const chats: ChatDto[] = [];
    let cursor: string | undefined;
    do {
      const { data: page } = await listChats({ client: this.api, query: { limit: 200, cursor }, throwOnError: true });
      chats.push(...page.chats);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return chats;
  }

  // --- history ---

  /** Loads the latest page of a conversation the first time it is opened. */
  async openConversation(peerId: number): Promise<void> {
    if (!this.state.conversations[peerId]) await this.loadHistory(peerId, 'latest', {});
  }

  async loadOlder(peerId: number): Promise<void> {
    const before = this.state.conversations[peerId]?.olderCursor;
    if (before !== null && before !== undefined) await this.loadHistory(peerId, 'older', { before });
  }

  /**
   * Opens a conversation at one message (a search result): the page ending at it and the page after it, together,
   * so the screen never shows one without the other. A message already held is only scrolled to.
   */
  async openAt(peerId: number, messageId: number): Promise<void> {
    if (this.state.conversations[peerId]?.messages.some((message) => message.id === messageId)) return;
    const [older, newer] = await Promise.all([
      this.historyPage(peerId, { before: messageId + 1 }),
      this.historyPage(peerId, { after: messageId }),
    ]);
    this.update((state) => openedAtMessage(state, peerId, older, newer));
  }

  /** One page towards the latest, in a conversation opened at an older message. */
  async loadNewerPage(peerId: number): Promise<void> {
    const after = this.state.conversations[peerId]?.newerCursor;
    if (after !== null && after !== undefined) await this.loadHistory(peerId, 'newer', { after });
  }

  private async loadNewer(peerId: number): Promise<void> {
    let more = true;
    while (more) {
      const after = this.state.conversations[peerId]?.restMark ?? 0;
      more = (await this.loadHistory(peerId, 'newer', { after })) !== null;
    }
  }

  /** One page of `GET /chat/{peer}` into the state; returns its `next_cursor`. */
  private async loadHistory(
    peerId: number,
    kind: 'latest' | 'older' | 'newer' | 'reload',
    query: { before?: number; after?: number },
  ): Promise<number | null> {
    const page = await this.historyPage(peerId, query);
    this.update((state) => historyLoaded(state, peerId, kind, page));
    return page.next_cursor;
  }

  private async historyPage(peerId: number, query: { before?: number; after?: number }): Promise<MessagePageDto> {
    const { data: page } = await getChatHistory({
      client: this.api,
      path: { user_id: peerId },
      query,
      throwOnError: true,
    });
    return page;
  }

  // --- search ---

  /** One page of the messages in my conversations that match `q`, newest first; `cursor` continues a search. */
  async search(q: string, cursor?: string): Promise<SearchPageDto> {
    const { data: page } = await searchMessages({ client: this.api, query: { q, cursor }, throwOnError: true });
    return page;
  }

  // --- writes: REST, never the socket ---

  /** Marks the conversation read up to the newest message this tab knows of; my other tabs hear of it live. */
  async markRead(peerId: number): Promise<void> {
    const chat = this.state.chats.find((candidate) => candidate.user_id === peerId);
    if (!chat || chat.unread_count === 0 || this.markingRead.has(peerId)) return;
    this.markingRead.add(peerId);
    try {
      // Up to what this client has seen, not whatever arrived meanwhile.
      const upToId = chat.last_message.id;
      await markChatRead({
        client: this.api,
        path: { user_id: peerId },
        body: { up_to_id: upToId },
        headers: this.originSocket(),
        throwOnError: true,
      });
      const receipt = { reader_id: this.me.id, sender_id: peerId, up_to_id: upToId };
      this.update((state) => messagesRead(state, { ...receipt, read_at: new Date().toISOString() }, this.me.id));
    } finally {
      this.markingRead.delete(peerId);
    }
  }

  /**
   * Sends a message, as a reply quoting `replyToId` when given, with the files uploaded for it (`attachments`, in
   * the order to show them); with files, `message` may be empty.
   */
  send(peerId: number, message: string, replyToId?: number, attachments: UploadDto[] = []): Promise<void> {
    return this.deliver(peerId, {
      idempotencyKey: newIdempotencyKey(),
      message,
      replyToId,
      attachments,
      status: 'sending',
    });
  }

  /** Sends a failed message again under its first key: the server stores it at most once. */
  retry(peerId: number, idempotencyKey: string): Promise<void> {
    const pending = this.state.conversations[peerId]?.pending.find((entry) => entry.idempotencyKey === idempotencyKey);
    return pending ? this.deliver(peerId, { ...pending, status: 'sending' }) : Promise.resolve();
  }

  private async deliver(peerId: number, pending: PendingMessage): Promise<void> {
    const { idempotencyKey, message, replyToId, attachments = [] } = pending;
    // A text-only send is the request it always was; with files, the text may be left out.
    const files = attachments.length > 0 ? { attachment_ids: attachments.map((upload) => upload.id) } : {};
    this.stopTyping(peerId);
    this.update((state) => sendStarted(state, peerId, pending));
    for (let attempt = 1; attempt <= SEND_ATTEMPTS; attempt++) {
      try {
        const { data, error, response } = await sendMessage({
          client: this.api,
          headers: { 'Idempotency-Key': idempotencyKey, ...this.originSocket() },
          body: { user_id: peerId, message: message || undefined, reply_to_id: replyToId, ...files },
        });
        if (data) {
          this.update((state) => sendConfirmed(state, idempotencyKey, data, this.me.id));
          if (!hasChat(this.state, peerId)) this.catchUp();
          return;
        }
        // A 4xx other than 429 is final (403 "You cannot message this user" once either of you blocked the
        // other): the same request would get the same answer, so it is shown, not retried.
        if (response.status < 500 && response.status !== 429) {
          this.update((state) => sendRefused(state, peerId, idempotencyKey, describeError(error)));
          return;
        }
      } catch {
        // The network failed: the message may or may not be stored, and the same key makes retrying safe.
      }
      if (attempt < SEND_ATTEMPTS) await delay(500 * 2 ** attempt);
    }
    this.update((state) => sendFailed(state, peerId, idempotencyKey));
  }

  /** Puts away a message that was not sent (refused, or failed and not to be retried). */
  dismiss(peerId: number, idempotencyKey: string): void {
    this.update((state) => pendingDismissed(state, peerId, idempotencyKey));
  }

  /** Whether to offer Edit: my message, not deleted, and (as far as this clock knows) within the edit window. */
  canEdit(message: MessageDto): boolean {
    return (
      message.sender_id === this.me.id &&
      message.deleted_at === null &&
      Date.now() - Date.parse(message.created) < EDIT_WINDOW_MS
    );
  }

  /**
   * Replaces the text of my message. The answer is the message as the server now has it; the peer and my other
   * tabs hear of it as `message.updated`. A refusal (403 past the window, 409 once deleted) is thrown as the
   * API's error body, for the screen to show.
   */
  async edit(messageId: number, message: string): Promise<void> {
    const { data } = await editMessage({
      client: this.api,
      path: { id: messageId },
      body: { message },
      headers: this.originSocket(),
      throwOnError: true,
    });
    this.update((state) => messagesChanged(state, [data], this.me.id));
  }

  /** Deletes my message for everyone; only its tombstone is left, here and (through `message.deleted`) there. */
  async delete(peerId: number, messageId: number): Promise<void> {
    await deleteMessage({
      client: this.api,
      path: { id: messageId },
      headers: this.originSocket(),
      throwOnError: true,
    });
    const deleted = {
      id: messageId,
      sender_id: this.me.id,
      recipient_id: peerId,
      deleted_at: new Date().toISOString(),
    };
    this.update((state) => messageDeleted(state, deleted, this.me.id));
  }

  /** Adds my reaction with `emoji`, or takes it back if I had made it. */
  async toggleReaction(message: MessageDto, emoji: string): Promise<void> {
    const peerId = peerOf(message, this.me.id);
    const added = !message.reactions.some(
      (reaction) => reaction.emoji === emoji && reaction.user_ids.includes(this.me.id),
    );
    const options = {
      client: this.api,
      path: { id: message.id, emoji },
      headers: this.originSocket(),
      throwOnError: true as const,
    };
    await (added ? addReaction(options) : removeReaction(options));
    // A 204 carries no message: apply the change to the copy held, as the server did.
    this.update((state) =>
      reactionChanged(state, peerId, message.id, { emoji, userId: this.me.id, added }, this.me.id),
    );
  }

  // --- safety: blocks and reports ---

  /** Every page of `GET /blocks`, unless I blocked or unblocked someone while it was on its way. */
  private async loadBlocks(): Promise<void> {
    const writes = this.blockWrites;
    const userIds: number[] = [];
    let cursor: string | undefined;
    do {
      const { data: page } = await listBlocked({ client: this.api, query: { limit: 200, cursor }, throwOnError: true });
      userIds.push(...page.users.map((user) => user.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    if (writes === this.blockWrites) this.update((state) => blocksLoaded(state, userIds));
  }

  /**
   * Blocks a user: from the 204 on, neither of us can message the other (the server refuses with 403), and their
   * typing and presence no longer reach me. The history stays. They are not told.
   */
  async block(userId: number): Promise<void> {
    await blockUser({ client: this.api, path: { user_id: userId }, throwOnError: true });
    this.blockWrites++;
    this.update((state) => typingChanged(blockChanged(state, userId, true), userId, false, 0));
  }

  async unblock(userId: number): Promise<void> {
    await unblockUser({ client: this.api, path: { user_id: userId }, throwOnError: true });
    this.blockWrites++;
    this.update((state) => blockChanged(state, userId, false));
  }

  /** Reports a message of the peer's to the moderators (`POST /reports`); the message then shows "Reported". */
  async report(message: MessageDto, reason: ReportReason, details: string): Promise<void> {
    await createReport({
      client: this.api,
      body: { user_id: peerOf(message, this.me.id), message_id: message.id, reason, details: details || undefined },
      throwOnError: true,
    });
    this.update((state) => messageReported(state, message.id));
  }

  /**
   * Mutes a chat until I unmute it (`PUT /chats/{id}/mute`), or unmutes it (`DELETE`): a muted chat still counts
   * unread and updates live here; it only sends me no push notifications. Then /sync, which brings the chat as the
   * server has it, in case a chat list loaded before this change landed over it.
   */
  async setMuted(peerId: number, muted: boolean): Promise<void> {
    await setChatMute(this.api, peerId, muted);
    this.update((state) => muteChanged(state, peerId, muted));
    this.catchUp();
  }

  // --- my account ---

  /**
   * Saves `GET /current_user/export` as a file: fetched with the token (a plain link could not send it), kept as a
   * Blob, and handed to the browser through a temporary `<a download>`.
   */
  async downloadMyData(): Promise<void> {
    const response = await fetch(`${window.location.origin}/current_user/export`, {
      headers: { Authorization: `Bearer ${this.token}` },
    });
    // A refusal (429: the export has its own, small, rate limit) carries the API's error body.
    if (!response.ok) throw await response.json().catch(() => undefined);
    const name = downloadFileName(response.headers.get('Content-Disposition'), 'parley-export.json');
    saveBlob(await response.blob(), name);
  }

  /**
   * Deletes my account for good (`DELETE /current_user`, the password confirming it), then signs out with the
   * reason. Answers 'wrong_password' on a 403; any other refusal is thrown as the API's error body.
   */
  async deleteAccount(password: string): Promise<'deleted' | 'wrong_password'> {
    try {
      await deleteAccount({ client: this.api, body: { password }, throwOnError: true });
    } catch (error) {
      if ((error as Partial<ErrorResponseDto> | undefined)?.statusCode === 403) return 'wrong_password';
      throw error;
    }
    this.onSignedOut('account_deleted');
    return 'deleted';
  }

  /** Names this tab's socket on a write, so the event it causes skips this tab, which has the answer already. */
  private originSocket(): { 'X-Socket-Id'?: string } {
    return this.socket.id ? { 'X-Socket-Id': this.socket.id } : {};
  }

  // --- typing ---

  /** Called on every keystroke in the composer; says "typing" at most every few seconds. */
  typing(peerId: number): void {
    const now = Date.now();
    if (now - (this.typingSentAt.get(peerId) ?? 0) > TYPING_RENEW_MS) {
      this.typingSentAt.set(peerId, now);
      this.emitTyping(peerId, true);
    }
    clearTimeout(this.typingIdle.get(peerId));
    this.typingIdle.set(
      peerId,
      setTimeout(() => this.stopTyping(peerId), TYPING_IDLE_MS),
    );
  }

  private stopTyping(peerId: number): void {
    clearTimeout(this.typingIdle.get(peerId));
    this.typingIdle.delete(peerId);
    if (this.typingSentAt.delete(peerId)) this.emitTyping(peerId, false);
  }

  /** Volatile: typing that could not be sent now is stale by the time the socket is back. */
  private emitTyping(peerId: number, typing: boolean): void {
    this.socket.volatile.emit('typing', { user_id: peerId, typing }, () => undefined);
  }

  private expireTyping(peerId: number): void {
    this.update((state) =>
      (state.typingUntil[peerId] ?? Infinity) <= Date.now() ? typingChanged(state, peerId, false, 0) : state,
    );
  }
}
