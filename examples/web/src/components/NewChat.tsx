import type { UserSummaryDto } from '@parley/client';
import { useState } from 'react';
import { describeError } from '../api-error';
import type { ParleySession } from '../parley-session';
import type { Peer } from './ConversationView';

/** Starts a chat with someone online now (`GET /users?type=active`). */
export function NewChat({ parley, onSelect }: { parley: ParleySession; onSelect: (peer: Peer) => void }) {
  const [users, setUsers] = useState<UserSummaryDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const show = async () => {
    try {
      setUsers(await parley.listActiveUsers());
      setError(null);
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  return (
    <section className="new-chat">
      <button type="button" onClick={() => void show()}>
        Start a chat
      </button>
      {error && <p role="alert">{error}</p>}
      {users && (
        <ul aria-label="Online now">
          {users.length === 0 && <li className="hint">Nobody else is online.</li>}
          {users.map((user) => (
            <li key={user.id}>
              <button
                type="button"
                onClick={() => {
                  setUsers(null);
                  onSelect({ id: user.id, username: user.username });
                }}
              >
                {user.username}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
