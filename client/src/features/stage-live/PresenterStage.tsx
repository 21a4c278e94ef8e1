import { useState } from 'react';
import { stageOf } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { formatDuration, sessionTimer } from '../../lib/stageState';
import { useServerNow } from './hooks';
import './stage-live.css';

/** [STAGE6] Elapsed since the session was set live, remaining until it is due to end (server clock). */
export function SessionTimer() {
  const { state } = useLive();
  const now = useServerNow(1000);
  const live = state.event.agenda.find((s) => s.id === state.event.liveSessionId) ?? null;
  const { liveSessionStartedAt } = stageOf(state.event);
  if (!live) return null;
  const { elapsedMs, remainingMs } = sessionTimer(liveSessionStartedAt, live.endsAt, now);
  const over = remainingMs !== null && remainingMs < 0;
  return (
    <div className="session-timer" role="timer" aria-label="Session timer" data-testid="session-timer">
      <div>
        <span className="timer-label">Elapsed</span>
        <span className="timer-value" data-testid="timer-elapsed">
          {elapsedMs === null ? '–' : formatDuration(elapsedMs)}
        </span>
      </div>
      <div className={over ? 'timer-over' : ''}>
        <span className="timer-label">{over ? 'Over time by' : 'Remaining'}</span>
        <span className="timer-value" data-testid="timer-remaining">
          {remainingMs === null ? '–' : formatDuration(Math.abs(remainingMs))}
        </span>
      </div>
    </div>
  );
}

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** [STAGE18] [STAGE19] Private notes from the control desk, newest first, each marked read once. */
export function PresenterNotes() {
  const { state, send } = useLive();
  const [busy, setBusy] = useState<string | null>(null);
  const notes = [...state.stage.notes].reverse();
  const unread = notes.filter((n) => !n.readAt).length;
  return (
    <div data-testid="presenter-notes">
      <p className="visually-hidden" aria-live="polite">
        {unread > 0 ? `${unread} unread note${unread === 1 ? '' : 's'} from the control desk` : ''}
      </p>
      {notes.length === 0 ? <p className="empty">Private notes from the moderators will show here.</p> : null}
      <ul className="notes">
        {notes.map((n) => (
          <li key={n.id} className={`note ${n.readAt ? 'is-read' : 'is-unread'}`} data-testid="presenter-note" data-note-id={n.id}>
            <p className="note-text">{n.text}</p>
            <p className="muted small">
              From {n.from} at {timeFmt.format(new Date(n.at))}
              {n.readAt ? ` · read${n.readBy ? ` by ${n.readBy}` : ''}` : ''}
            </p>
            {!n.readAt ? (
              <button
                type="button"
                className="btn btn-small btn-primary"
                disabled={busy === n.id}
                onClick={async () => {
                  setBusy(n.id);
                  await send('note:markRead', { noteId: n.id });
                  setBusy(null);
                }}
                data-testid="note-mark-read"
              >
                Mark read
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
