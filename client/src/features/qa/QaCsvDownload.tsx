import { useState } from 'react';
import { useLive } from '../../components/EventGate';
import { loadToken } from '../../lib/tokens';
import { useToasts } from '../../lib/toasts';
import { sentence } from '../../lib/text';

function filenameFrom(disposition: string | null, fallback: string): string {
  const m = disposition ? /filename="?([^";]+)"?/i.exec(disposition) : null;
  return m?.[1] ?? fallback;
}

/**
 * [QA24] "Download questions CSV": fetched with the moderator's own participant token as Bearer
 * (never in a URL), saved from a Blob. The button is disabled with "Preparing…" while it runs.
 */
export function QaCsvDownload({ code }: { code: string }) {
  const { state } = useLive();
  const toasts = useToasts();
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');

  async function download() {
    const token = loadToken(code, 'moderator');
    if (!token) {
      toasts.error('Your moderator session is not stored in this browser; open the moderator link again to export');
      return;
    }
    setBusy(true);
    setStatus('Preparing the questions export…');
    try {
      const res = await fetch(`/api/events/${encodeURIComponent(state.event.id)}/questions.csv`, {
        headers: { authorization: `Bearer ${token}`, accept: 'text/csv' },
        cache: 'no-store',
        credentials: 'same-origin',
      });
      if (!res.ok) {
        let message = `Rally answered ${res.status} ${res.statusText}`.trim();
        try {
          const body = (await res.json()) as { error?: { message?: string } };
          if (body.error?.message) message = body.error.message;
        } catch {
          /* not JSON: keep the status line */
        }
        toasts.error(`The questions export failed: ${sentence(message)}`);
        setStatus('');
        return;
      }
      const blob = await res.blob();
      const name = filenameFrom(res.headers.get('content-disposition'), `rally-questions-${code}.csv`);
      const href = URL.createObjectURL(blob.type ? blob : new Blob([blob], { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = href;
      a.download = name;
      a.rel = 'noopener';
      document.body.appendChild(a);
      a.click();
      a.remove();
      // Give the browser time to start saving before the Blob goes.
      setTimeout(() => URL.revokeObjectURL(href), 60_000);
      setStatus(`Downloaded ${name}.`);
    } catch {
      toasts.error("Can't reach Rally to export the questions. Check your connection and try again");
      setStatus('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="csv-download qa-csv">
      <button type="button" className="btn" onClick={() => void download()} disabled={busy} aria-busy={busy} data-testid="download-questions-csv">
        {busy ? (
          <>
            <span className="qa-spinner" aria-hidden="true" />
            Preparing…
          </>
        ) : (
          'Download questions CSV'
        )}
      </button>
      <span className="muted small" role="status" data-testid="questions-csv-status">
        {status}
      </span>
    </div>
  );
}
