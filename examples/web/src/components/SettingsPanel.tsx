import { type FormEvent, useState } from 'react';
import { describeError } from '../api-error';
import type { ParleySession } from '../parley-session';

/** My account: download what Parley holds about me, or delete the account (the password confirms it). */
export function SettingsPanel({ parley, onClose }: { parley: ParleySession; onClose: () => void }) {
  const [downloading, setDownloading] = useState(false);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const [password, setPassword] = useState('');
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);

  const download = async () => {
    setDownloading(true);
    setDownloadError(null);
    try {
      await parley.downloadMyData();
    } catch (failure) {
      setDownloadError(describeError(failure));
    } finally {
      setDownloading(false);
    }
  };

  const remove = async (event: FormEvent) => {
    event.preventDefault();
    setDeleting(true);
    setDeleteError(null);
    try {
      // On success this tab is signed out, and this panel is gone with it.
      if ((await parley.deleteAccount(password)) === 'wrong_password') {
        setDeleteError('Wrong password: your account was not deleted.');
        setDeleting(false);
      }
    } catch (failure) {
      setDeleteError(describeError(failure));
      setDeleting(false);
    }
  };

  return (
    <section className="settings" aria-label="Settings">
      <h2>Settings</h2>
      <section aria-labelledby="settings-data">
        <h3 id="settings-data">Your data</h3>
        <p>
          Everything Parley holds about you (your profile, sessions, blocks, reports and messages) as one JSON file.
        </p>
        <button type="button" disabled={downloading} onClick={() => void download()}>
          {downloading ? 'Preparing…' : 'Download my data'}
        </button>
        {downloadError && <p role="alert">{downloadError}</p>}
      </section>
      <section aria-labelledby="settings-delete">
        <h3 id="settings-delete">Delete my account</h3>
        <p>
          For good: your name, email and chat list are erased and every message you sent is deleted for everyone.
          Messages you received stay with their senders. Enter your password to confirm.
        </p>
        <form onSubmit={(event) => void remove(event)}>
          <label>
            Your password
            <input
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          </label>
          {deleteError && <p role="alert">{deleteError}</p>}
          <button type="submit" className="danger" disabled={deleting}>
            Delete my account
          </button>
        </form>
      </section>
      <button type="button" className="link" onClick={onClose}>
        Back to chats
      </button>
    </section>
  );
}
