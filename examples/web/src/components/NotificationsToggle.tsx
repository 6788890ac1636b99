import { useEffect, useState } from 'react';
import { describeError } from '../api-error';
import { NOTIFICATIONS_NOTICE, type NotificationsStatus } from '../notifications';
import type { ParleySession } from '../parley-session';

/** "Enable notifications" / "Disable notifications": Web Push to this browser while none of my tabs is open. */
export function NotificationsToggle({ parley }: { parley: ParleySession }) {
  const [status, setStatus] = useState<NotificationsStatus | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    parley.push.status().then(
      (next) => current && setStatus(next),
      () => current && setStatus('off'),
    );
    return () => {
      current = false;
    };
  }, [parley]);

  if (status === null || status === 'unsupported') return null;

  const run = async (change: () => Promise<NotificationsStatus>, failed: string) => {
    setBusy(true);
    setError(null);
    try {
      setStatus(await change());
    } catch (failure) {
      // A DOMException from the browser (no push service reachable, say) or the API's error body.
      setError(`${failed}: ${failure instanceof Error ? failure.message : describeError(failure)}`);
    } finally {
      setBusy(false);
    }
  };

  const notice = NOTIFICATIONS_NOTICE[status];
  return (
    <section className="notifications" aria-label="Notifications">
      {status === 'on' ? (
        <button
          type="button"
          disabled={busy}
          onClick={() => void run(() => parley.push.disable(), 'Notifications could not be turned off')}
        >
          Disable notifications
        </button>
      ) : (
        status !== 'unavailable' && (
          <button
            type="button"
            disabled={busy}
            onClick={() => void run(() => parley.push.enable(), 'Notifications could not be turned on')}
          >
            Enable notifications
          </button>
        )
      )}
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {error && <p role="alert">{error}</p>}
    </section>
  );
}
