import { useState } from 'react';
import { useLive } from './EventGate';
import { loadToken } from '../lib/tokens';
import { useToasts } from '../lib/toasts';
import { sentence } from '../lib/text';
import './download.css';

const kb = (n: number) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(n < 10_240 ? 1 : 0)} KB`);

function filenameFrom(disposition: string | null, fallback: string): string {
  const m = disposition ? /filename="?([^";]+)"?/i.exec(disposition) : null;
  return m?.[1] ?? fallback;
}

/** What every download button shows and says, whoever it fetches for. */
interface DownloadLabels {
  label: string;
  /** Saved as this when the server names no file. */
  fallbackName: string;
  /** What the file holds, for messages ("the questions"). */
  what: string;
  testId: string;
  statusTestId: string;
}

export interface DownloadButtonProps extends DownloadLabels {
  /** The event code: the moderator token is stored per code. */
  code: string;
  /** Path under /api/events/<event id>/, e.g. `polls/results.csv`. */
  path: string;
}

export interface DownloadFileProps extends DownloadLabels {
  /** The whole path, e.g. `/api/events/<id>/quizzes/<quiz id>/export.csv`. */
  url: string;
  /** The Bearer token, or null when this browser holds none ... */
  token: () => string | null;
  /** ... and then what to tell the user, as a sentence without its full stop. */
  signedOut: string;
}

type Phase = { kind: 'idle' } | { kind: 'preparing' } | { kind: 'receiving'; received: number; total: number };

/**
 * Every export of the moderator panel ([POLL25] [QA24] [ENG13] [ENG14] [ENG16]): fetched with the
 * moderator's own participant token as Bearer (never in a URL, where it would reach logs and
 * history), streamed with progress, then saved from a Blob. The button is disabled while it runs.
 */
export function DownloadButton({ code, path, ...labels }: DownloadButtonProps) {
  const { state } = useLive();
  return (
    <DownloadFile
      url={`/api/events/${encodeURIComponent(state.event.id)}/${path}`}
      token={() => loadToken(code, 'moderator')}
      signedOut="Your moderator session is not stored in this browser; open the moderator link again to export"
      {...labels}
    />
  );
}

/** The download itself, for any page that holds a token for the URL (the organiser page: the admin token, [UI72]). */
export function DownloadFile({ url, token: tokenOf, signedOut, label, fallbackName, what, testId, statusTestId }: DownloadFileProps) {
  const toasts = useToasts();
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [status, setStatus] = useState('');
  const busy = phase.kind !== 'idle';

  async function download() {
    const token = tokenOf();
    if (!token) {
      toasts.error(signedOut);
      return;
    }
    setPhase({ kind: 'preparing' });
    setStatus(`Preparing ${what}…`);
    try {
      const res = await fetch(url, {
        headers: { authorization: `Bearer ${token}` },
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
        toasts.error(`The export of ${what} failed: ${sentence(message)}`);
        setStatus('');
        return;
      }
      // Streamed exports (the whole log) have no length: progress is then the bytes so far.
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
          setPhase({ kind: 'receiving', received, total });
          setStatus(total ? `Downloading… ${Math.round((100 * received) / total)}%` : `Downloading… ${kb(received)}`);
        }
      } else {
        const buf = await res.arrayBuffer();
        chunks.push(buf);
        received = buf.byteLength;
      }
      const name = filenameFrom(res.headers.get('content-disposition'), fallbackName);
      const blob = new Blob(chunks, { type: res.headers.get('content-type') ?? 'application/octet-stream' });
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
      setStatus(`Downloaded ${name}.`);
    } catch {
      toasts.error(`Can't reach Rally to export ${what}. Check your connection and try again`);
      setStatus('');
    } finally {
      setPhase({ kind: 'idle' });
    }
  }

  return (
    <div className="download">
      <button type="button" className="btn" onClick={() => void download()} disabled={busy} aria-busy={busy} data-testid={testId}>
        {phase.kind === 'idle' ? (
          label
        ) : phase.kind === 'preparing' ? (
          <>
            <span className="spinner" aria-hidden="true" />
            Preparing…
          </>
        ) : (
          'Downloading…'
        )}
      </button>
      {phase.kind === 'receiving' ? (
        <progress aria-label={`Downloading ${what}`} max={phase.total || undefined} value={phase.total ? phase.received : undefined} />
      ) : null}
      <span className="muted small" role="status" data-testid={statusTestId}>
        {status}
      </span>
    </div>
  );
}
