import { useState } from 'react';
import { useLive } from '../../components/EventGate';
import { sortedAgenda, timeRange } from '../../lib/agenda';

/** [AG1] Which agenda session is live: set it, or end it. */
export function AgendaCard() {
  const { state, send } = useLive();
  const [busyId, setBusyId] = useState<string | null>(null);
  const agenda = sortedAgenda(state.event);
  const liveId = state.event.liveSessionId;

  async function setLive(sessionId: string | null) {
    setBusyId(sessionId ?? 'none');
    await send('session:setLive', { sessionId });
    setBusyId(null);
  }

  return (
    <section className="card" aria-labelledby="mod-agenda-heading" data-testid="moderator-agenda">
      <h2 id="mod-agenda-heading">Agenda</h2>
      {agenda.length === 0 ? <p className="empty">This event has no agenda sessions.</p> : null}
      <ol className="agenda">
        {agenda.map((s) => {
          const live = s.id === liveId;
          return (
            <li key={s.id} className={`agenda-item ${live ? 'is-live' : ''}`} data-testid="agenda-item" data-session-id={s.id}>
              <div>
                <span className="agenda-title">{s.title}</span>
                <span className="muted small">
                  {timeRange(s)} · {s.kind}
                  {s.speakers.length ? ` · ${s.speakers.join(', ')}` : ''}
                </span>
              </div>
              {live ? (
                <span className="badge badge-live">Live now</span>
              ) : (
                <button type="button" className="btn btn-small" onClick={() => setLive(s.id)} disabled={busyId !== null} aria-label={`Set “${s.title}” live`} data-testid="set-live">
                  Set live
                </button>
              )}
            </li>
          );
        })}
      </ol>
      {liveId ? (
        <button type="button" className="btn" onClick={() => setLive(null)} disabled={busyId !== null} data-testid="end-live">
          End the live session
        </button>
      ) : null}
    </section>
  );
}
