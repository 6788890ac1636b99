import { type ChatState, chatName, isMuted, messagePreview } from '../chat-state';
import type { Peer } from './ConversationView';

export function ChatList(props: { state: ChatState; me: number; selected?: number; onSelect: (peer: Peer) => void }) {
  const { state, me, selected, onSelect } = props;
  if (state.chats.length === 0) return <p className="hint">No chats yet.</p>;
  return (
    <nav aria-label="Chats">
      <ul className="chat-list">
        {state.chats.map((chat) => (
          <li key={chat.user_id}>
            <button
              type="button"
              aria-current={chat.user_id === selected}
              onClick={() => onSelect({ id: chat.user_id, username: chatName(chat) })}
            >
              <span className={chat.deleted ? 'name deleted' : 'name'}>
                {chatName(chat)}
                {isMuted(chat) && (
                  <span className="muted" role="img" aria-label="muted" title="Muted: no notifications">
                    🔕
                  </span>
                )}
              </span>
              <span className="preview">
                {chat.user_id in state.typingUntil
                  ? 'typing…'
                  : `${chat.last_message.sender_id === me ? 'You: ' : ''}${messagePreview(chat.last_message)}`}
              </span>
              {chat.unread_count > 0 && (
                <span className="unread" aria-label={`${chat.unread_count} unread`}>
                  {chat.unread_count}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
