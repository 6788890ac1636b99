import type { MessageDto } from '@parley/client';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { describeError } from '../api-error';
import { type ChatState, chatName, isBlocked, isMuted, messagePreview, splitAtGap } from '../chat-state';
import type { ParleySession } from '../parley-session';
import { AttachFileInput, PendingUploads, useComposerUploads } from './ComposerUploads';
import { MessageItem } from './MessageItem';
import { ReportForm } from './ReportForm';

export interface Peer {
  id: number;
  username: string;
}

/** A search result opened: the conversation shows this message, scrolled to and marked. A new one for each click. */
export interface Jump {
  messageId: number;
}

/** What the composer is doing besides writing a new message: replying to one (a quote), or editing mine. */
type ComposerMode = { kind: 'reply' | 'edit'; message: MessageDto } | null;

export function ConversationView(props: { parley: ParleySession; peer: Peer; state: ChatState; jump?: Jump | null }) {
  const { parley, peer, state, jump } = props;
  const conversation = state.conversations[peer.id];
  const chat = state.chats.find((candidate) => candidate.user_id === peer.id);
  const unread = chat?.unread_count ?? 0;
  // The chat list names the peer as they are now (a deleted account has no name); a new chat is not listed yet.
  const name = chat ? chatName(chat) : peer.username;
  const deleted = chat?.deleted ?? false;
  const blocked = isBlocked(state, peer.id);
  const muted = isMuted(chat);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [chosenMode, setMode] = useState<ComposerMode>(null);
  const [picking, setPicking] = useState<number | null>(null);
  const [reporting, setReporting] = useState<number | null>(null);
  const uploads = useComposerUploads(parley.api);
  const composer = useRef<HTMLInputElement>(null);
  const bottom = useRef<HTMLLIElement>(null);
  const jumpedTo = useRef<HTMLLIElement>(null);
  const lastId = conversation?.messages.at(-1)?.id;
  // Opened at an older message, the latest ones are not on screen yet: they count as read once paged to.
  const loaded = conversation !== undefined && conversation.newerCursor === null;
  // The jump once its message is here to show.
  const arrived = jump && conversation?.messages.some((message) => message.id === jump.messageId) ? jump : null;

  useEffect(() => {
    const opening = jump ? parley.openAt(peer.id, jump.messageId) : parley.openConversation(peer.id);
    opening.catch((failure: unknown) => setError(describeError(failure)));
  }, [parley, peer.id, jump]);

  // What is on screen counts as read: mark it whenever this chat has unread messages and the tab is visible.
  useEffect(() => {
    const markIfVisible = () => {
      if (loaded && unread > 0 && document.visibilityState === 'visible') {
        parley.markRead(peer.id).catch((failure: unknown) => console.warn('mark-read failed', failure));
      }
    };
    markIfVisible();
    document.addEventListener('visibilitychange', markIfVisible);
    return () => document.removeEventListener('visibilitychange', markIfVisible);
  }, [parley, peer.id, unread, loaded]);

  useEffect(() => {
    bottom.current?.scrollIntoView({ block: 'end' });
  }, [lastId]);

  // After the scroll to the bottom above, which the jump's own pages also cause.
  useEffect(() => {
    const element = jumpedTo.current;
    if (!arrived || !element) return;
    element.scrollIntoView({ block: 'center' });
    // The mark is a CSS animation on .jumped: a second jump to the same message plays it again.
    for (const animation of element.getAnimations()) {
      animation.cancel();
      animation.play();
    }
  }, [arrived]);

  // The message as it is now: its sender may edit it meanwhile, or delete it, which ends the reply or edit.
  const current = chosenMode && conversation?.messages.find((message) => message.id === chosenMode.message.id);
  const mode: ComposerMode =
    chosenMode && current?.deleted_at == null ? { ...chosenMode, message: current ?? chosenMode.message } : null;

  /** Runs a write the server may refuse (403 past the edit window, 409 once deleted); shows its answer if so. */
  const attempt = (write: () => Promise<void>) => {
    setError(null);
    write().catch((failure: unknown) => setError(describeError(failure)));
  };

  const startMode = (next: NonNullable<ComposerMode>) => {
    setMode(next);
    setPicking(null);
    setReporting(null);
    if (next.kind === 'edit') setDraft(next.message.message);
    else if (mode?.kind === 'edit') setDraft('');
    composer.current?.focus();
  };

  const cancelMode = () => {
    if (mode?.kind === 'edit') setDraft('');
    setMode(null);
  };

  const remove = (message: MessageDto) => {
    if (!window.confirm('Delete this message for everyone?')) return;
    attempt(() => parley.delete(peer.id, message.id));
  };

  const toggleBlock = () => attempt(() => (blocked ? parley.unblock(peer.id) : parley.block(peer.id)));
  const toggleMute = () => attempt(() => parley.setMuted(peer.id, !muted));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = draft.trim();
    if (mode?.kind === 'edit') {
      if (!text) return;
      setDraft('');
      setMode(null);
      if (text !== mode.message.message) attempt(() => parley.edit(mode.message.id, text));
      return;
    }
    // Text, files, or both. A file still uploading has no id yet: Send waits for it (the button is disabled).
    if (uploads.uploading || (!text && uploads.ready.length === 0)) return;
    setDraft('');
    setMode(null);
    void parley.send(peer.id, text, mode?.message.id, uploads.ready);
    uploads.clear();
  };
  const closed = blocked || deleted;
  const [beforeGap, beyondGap] = conversation ? splitAtGap(conversation) : [[], []];
  const peerReadUpTo = conversation?.peerReadUpTo ?? 0;

  const renderMessage = (message: MessageDto) => {
    const mine = message.sender_id === parley.me.id;
    const read = message.read || message.id <= peerReadUpTo;
    const marked = message.id === arrived?.messageId;
    return (
      <MessageItem
        key={message.id}
        ref={marked ? jumpedTo : undefined}
        marked={marked}
        message={message}
        client={parley.api}
        me={parley.me.id}
        peerName={name}
        status={mine ? (read ? 'Read' : 'Sent') : undefined}
        picking={picking === message.id}
        reported={state.reported.includes(message.id)}
        reportForm={
          reporting === message.id && (
            <ReportForm
              onReport={async (reason, details) => {
                await parley.report(message, reason, details);
                setReporting(null);
              }}
              onCancel={() => setReporting(null)}
            />
          )
        }
        actions={{
          onReply: () => startMode({ kind: 'reply', message }),
          onEdit: parley.canEdit(message) ? () => startMode({ kind: 'edit', message }) : undefined,
          onDelete: mine ? () => remove(message) : undefined,
          onReport:
            mine || state.reported.includes(message.id)
              ? undefined
              : () => {
                  setPicking(null);
                  setReporting(message.id);
                },
          onTogglePicker: () => setPicking(picking === message.id ? null : message.id),
          onReact: (emoji) => {
            setPicking(null);
            attempt(() => parley.toggleReaction(message, emoji));
          },
        }}
      />
    );
  };

  return (
    <section className="conversation" aria-label={`Conversation with ${name}`}>
      <div className="conversation-header">
        <h2 className={deleted ? 'deleted' : undefined}>{name}</h2>
        {/* Only a listed chat can be muted: before its first message the server has no chat to mute. */}
        {chat && !deleted && (
          <button
            type="button"
            aria-pressed={muted}
            title={muted ? 'Notifications for this chat are off' : 'Turn off notifications for this chat'}
            onClick={toggleMute}
          >
            {muted ? 'Unmute' : 'Mute'}
          </button>
        )}
        {!deleted && (
          <button type="button" onClick={toggleBlock}>
            {blocked ? 'Unblock' : 'Block'}
          </button>
        )}
      </div>
      {blocked && (
        <p className="notice">
          You blocked {name}: neither of you can message the other, and they do not see you online. They are not told.
        </p>
      )}
      {deleted && <p className="notice">This account was deleted. The conversation stays readable.</p>}
      {error && <p role="alert">{error}</p>}
      {conversation?.olderCursor != null && (
        <button type="button" className="older" onClick={() => void parley.loadOlder(peer.id)}>
          Load older messages
        </button>
      )}
      <ol className="messages" aria-label="Messages">
        {beforeGap.map(renderMessage)}
        {conversation?.newerCursor != null && (
          <li role="none" className="gap">
            <button type="button" className="newer" onClick={() => void parley.loadNewerPage(peer.id)}>
              Load newer messages
            </button>
          </li>
        )}
        {beyondGap.map(renderMessage)}
        {conversation?.pending.map((pending) => (
          <li key={pending.idempotencyKey} className={`mine pending ${pending.status}`}>
            {pending.message && <span className="text">{pending.message}</span>}
            {pending.attachments?.map((upload) => (
              <span key={upload.id} className="pending-file">
                📎 {upload.name}
              </span>
            ))}
            <span className="status">
              {pending.status === 'sending' && 'Sending…'}
              {pending.status === 'failed' && (
                <>
                  Not sent{' '}
                  <button type="button" onClick={() => void parley.retry(peer.id, pending.idempotencyKey)}>
                    Retry
                  </button>
                </>
              )}
              {pending.status === 'refused' && (
                <>
                  <span className="refusal">Not sent: {pending.refusal}</span>{' '}
                  <button type="button" onClick={() => parley.dismiss(peer.id, pending.idempotencyKey)}>
                    Dismiss
                  </button>
                </>
              )}
            </span>
          </li>
        ))}
        <li ref={bottom} className="end" aria-hidden />
      </ol>
      <p className="typing" aria-live="polite">
        {peer.id in state.typingUntil ? `${name} is typing…` : ''}
      </p>
      {mode && (
        <div className="composer-mode" role="group" aria-label={mode.kind === 'reply' ? 'Replying to' : 'Editing'}>
          <span className="quote-author">
            {mode.kind === 'edit'
              ? 'Editing your message'
              : `Replying to ${mode.message.sender_id === parley.me.id ? 'yourself' : name}`}
          </span>
          <span className="quote-text">{messagePreview(mode.message)}</span>
          <button
            type="button"
            aria-label={mode.kind === 'reply' ? 'Cancel reply' : 'Cancel edit'}
            onClick={cancelMode}
          >
            ✕
          </button>
        </div>
      )}
      <PendingUploads uploads={uploads.uploads} onRemove={uploads.remove} />
      {uploads.error && (
        <p role="alert" className="upload-error">
          {uploads.error}
        </p>
      )}
      <form className="composer" onSubmit={submit}>
        {/* An edit changes the text only: files go with a new message. */}
        <AttachFileInput disabled={closed || mode?.kind === 'edit'} onChoose={uploads.add} />
        <input
          ref={composer}
          aria-label="Message"
          value={draft}
          maxLength={4000} // the API's limit: POST /send and PATCH /messages/{id} answer 400 above it
          disabled={closed}
          placeholder={blocked ? `Unblock ${name} to message them` : deleted ? 'Nobody to message' : `Message ${name}`}
          onChange={(event) => {
            setDraft(event.target.value);
            if (mode?.kind !== 'edit') parley.typing(peer.id);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Escape') cancelMode();
          }}
        />
        <button type="submit" disabled={closed || (mode?.kind !== 'edit' && uploads.uploading)}>
          {mode?.kind === 'edit' ? 'Save' : 'Send'}
        </button>
      </form>
    </section>
  );
}
