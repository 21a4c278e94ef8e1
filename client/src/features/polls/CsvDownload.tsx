import { useState } from 'react';
import { useLive } from '../../components/EventGate';
import { loadToken } from '../../lib/tokens';
import { useToasts } from '../../lib/toasts';
import { sentence } from '../../lib/text';

const kb = (n: number) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(n < 10_240 ? 1 : 0)} KB`);

function filenameFrom(disposition: string | null, fallback: string): string {
  const m = disposition ? /filename="?([^";]+)"?/i.exec(disposition) : null;
  return m?.[1] ?? fallback;
}

/**
 * [POLL25] "Download CSV": the results of every launched poll, fetched with the moderator's own
 * participant token as Bearer (never in a URL), streamed with progress, then saved from a Blob.
 */
export function CsvDownload({ code }: { code: string }) {
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
    setStatus('Preparing the export…');
    const fallbackName = `rally-polls-${code}.csv`;
    try {
      const res = await fetch(`/api/events/${encodeURIComponent(state.event.id)}/polls/results.csv`, {
        headers: { authorization: `Bearer ${token}`, accept: 'text/csv' },
        cache: 'no-store',
        credentials: 'same-origin',
      });
      if (!res.ok) {
        let message = `Rally answered ${res.status} ${res.statusText}`.trim();
        try {
          const body = (await res.json()) as { error?: { code?: string; message?: string } };
          if (body.error?.message) message = body.error.message;
        } catch {
          /* not JSON: keep the status line */
        }
        toasts.error(`The export failed: ${sentence(message)}`);
        setStatus('');
        return;
      }
      const total = Number(res.headers.get('content-length')) || 0;
      const chunks: BlobPart[] = [];
      let received = 0;
      const reader = res.body?.getReader();
      if (reader) {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          chunks.push(value);
          received += value.byteLength;
          setStatus(total ? `Downloading… ${Math.round((100 * received) / total)}%` : `Downloading… ${kb(received)}`);
        }
      } else {
        const buf = await res.arrayBuffer();
        chunks.push(buf);
        received = buf.byteLength;
      }
      const name = filenameFrom(res.headers.get('content-disposition'), fallbackName);
      const blob = new Blob(chunks, { type: 'text/csv;charset=utf-8' });
      const href = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = href;
      a.download = name;
      a.rel = 'noopener';
      document.body.appendChild(a);
      a.click();
      a.remove();
      // Give the browser time to start saving before the Blob goes.
      setTimeout(() => URL.revokeObjectURL(href), 60_000);
      setStatus(`Downloaded ${name} (${kb(received)}).`);
    } catch {
      toasts.error("Can't reach Rally to export the results. Check your connection and try again");
      setStatus('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="csv-download">
      <button type="button" className="btn" onClick={() => void download()} disabled={busy} aria-busy={busy} data-testid="download-csv">
        {busy ? 'Downloading…' : 'Download CSV'}
      </button>
      <span className="muted small" role="status" data-testid="download-status">
        {status}
      </span>
    </div>
  );
}
