import type { Client, MessageDto } from '@parley/client';
import type { ReactNode, Ref } from 'react';
import { MessageAttachments } from './MessageAttachments';

/** The reactions the picker offers; any one emoji is accepted by the API. */
export const REACTION_CHOICES = ['👍', '❤️', '😂', '😮', '😢', '🙏'];

export interface MessageActions {
  onReply: () => void;
  onEdit?: () => void;
  onDelete?: () => void;
  /** Offered on the peer's messages until I reported it. */
  onReport?: () => void;
  onTogglePicker: () => void;
  onReact: (emoji: string) => void;
}

/**
 * One message: the quote it replies to, its text (or the tombstone), its files (fetched with `client`), "edited",
 * its reactions (each a button that toggles mine), and the actions a pointer or keyboard reveals. Edit and Delete
 * come only for my own, Report only for the peer's; `reportForm` is the open report, and `reported` says mine was
 * filed. `marked`: the message a search result opened the conversation at.
 */
export function MessageItem(props: {
  ref?: Ref<HTMLLIElement>;
  message: MessageDto;
  client: Client;
  me: number;
  peerName: string;
  status?: string;
  picking: boolean;
  reported: boolean;
  reportForm?: ReactNode;
  marked?: boolean;
  actions: MessageActions;
}) {
  const { ref, message, client, me, peerName, status, picking, reported, reportForm, marked, actions } = props;
  const mine = message.sender_id === me;
  const deleted = message.deleted_at !== null;
  const quoted = message.reply_to;
  return (
    <li
      ref={ref}
      className={`${mine ? 'mine' : 'theirs'}${deleted ? ' deleted' : ''}${marked ? ' jumped' : ''}`}
      data-testid={`message-${message.id}`}
    >
      {quoted && (
        <blockquote className="quote" aria-label="Quoted message">
          <span className="quote-author">{quoted.sender_id === me ? 'You' : peerName}</span>
          {quoted.deleted ? (
            <em className="quote-text">deleted message</em>
          ) : quoted.preview ? (
            <span className="quote-text">{quoted.preview}</span>
          ) : (
            // A message is sent without text only with files: the quote (text only) has nothing else to show.
            <em className="quote-text">📎 attachment</em>
          )}
        </blockquote>
      )}
      {deleted ? (
        <span className="text tombstone">This message was deleted</span>
      ) : (
        message.message && <span className="text">{message.message}</span>
      )}
      {/* A deleted message has no files any more (the server sends none); the check keeps it so for any copy. */}
      {!deleted && <MessageAttachments client={client} attachments={message.attachments} />}
      {message.edited_at !== null && !deleted && <span className="edited">edited</span>}
      {message.reactions.length > 0 && (
        <span className="reactions" role="group" aria-label="Reactions">
          {message.reactions.map(({ emoji, user_ids: users }) => (
            <button
              key={emoji}
              type="button"
              aria-pressed={users.includes(me)}
              aria-label={`${emoji} ${users.length}`}
              title={users.includes(me) ? 'Take back your reaction' : 'React with this too'}
              onClick={() => actions.onReact(emoji)}
            >
              {emoji} {users.length}
            </button>
          ))}
        </span>
      )}
      {!deleted && (
        <span className="actions" role="group" aria-label="Message actions">
          <button type="button" aria-label="Reply" title="Reply" onClick={actions.onReply}>
            ↩
          </button>
          <button
            type="button"
            aria-label="React"
            title="React"
            aria-expanded={picking}
            onClick={actions.onTogglePicker}
          >
            ☺
          </button>
          {actions.onEdit && (
            <button type="button" aria-label="Edit" title="Edit" onClick={actions.onEdit}>
              ✎
            </button>
          )}
          {actions.onDelete && (
            <button type="button" aria-label="Delete" title="Delete for everyone" onClick={actions.onDelete}>
              ✕
            </button>
          )}
          {actions.onReport && (
            <button type="button" aria-label="Report" title="Report to the moderators" onClick={actions.onReport}>
              ⚑
            </button>
          )}
        </span>
      )}
      {picking && !deleted && (
        <span className="picker" role="group" aria-label="Pick a reaction">
          {REACTION_CHOICES.map((emoji) => (
            <button key={emoji} type="button" aria-label={`React ${emoji}`} onClick={() => actions.onReact(emoji)}>
              {emoji}
            </button>
          ))}
        </span>
      )}
      {reportForm}
      {reported && <span className="reported">Reported</span>}
      {status && <span className="status">{status}</span>}
    </li>
  );
}
