import { type FormEvent, useState } from 'react';
import { describeError } from '../api-error';
import { REPORT_REASONS, type ReportReason } from '../chat-state';

/** Reporting one message: a reason (required), optional details for the moderators, then `POST /reports`. */
export function ReportForm(props: {
  onReport: (reason: ReportReason, details: string) => Promise<void>;
  onCancel: () => void;
}) {
  const { onReport, onCancel } = props;
  const [reason, setReason] = useState<ReportReason | ''>('');
  const [details, setDetails] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!reason) return;
    setBusy(true);
    setError(null);
    try {
      await onReport(reason, details.trim());
    } catch (failure) {
      setError(describeError(failure));
      setBusy(false);
    }
  };

  return (
    <form className="report-form" aria-label="Report message" onSubmit={(event) => void submit(event)}>
      <label>
        What is wrong?
        <select required value={reason} onChange={(event) => setReason(event.target.value as ReportReason | '')}>
          <option value="" disabled>
            Pick a reason
          </option>
          {Object.entries(REPORT_REASONS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Details for the moderators (optional)
        <textarea
          value={details}
          maxLength={1000} // the API's limit on `details`
          rows={2}
          onChange={(event) => setDetails(event.target.value)}
        />
      </label>
      {error && <p role="alert">{error}</p>}
      <span className="buttons">
        <button type="submit" disabled={busy || !reason}>
          Send report
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </span>
    </form>
  );
}
