import { useId, useMemo, useState } from 'react';
import type { Participant } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { Screen } from '../../components/Layout';
import { ModeBadge, RoleBadge } from '../../components/Badges';
import { sortedAgenda, timeRange } from '../../lib/agenda';
import { ModeratorPolls } from '../polls/ModeratorPolls';
import { ModeratorQa } from '../qa/ModeratorQa';
import { ModeratorStage } from '../stage-live/ModeratorStage';
import { ModeratorEngagement } from '../engagement/ModeratorEngagement';

/** [ID8] Moderators and admins cannot be banned: no button that can only fail. */
const STAFF = new Set<Participant['role']>(['moderator', 'admin']);

/** The list is for finding people; past this many, the filter does the work. */
const LIST_LIMIT = 200;

export function ModeratorPanel({ code }: { code: string }) {
  const { state, connection } = useLive();
  return (
    <Screen title={state.event.name} subtitle={`Moderator · code ${code}`} connection={connection} wide>
      <h1 className="visually-hidden">Moderator panel</h1>
      <div className="panel-grid">
        <PresenceSection />
        <AgendaSection />
      </div>
      <ModeratorPolls code={code} />
      <ModeratorQa code={code} />
      <ModeratorStage />
      <ModeratorEngagement code={code} />
    </Screen>
  );
}

function PresenceSection() {
  const { state } = useLive();
  const [filter, setFilter] = useState('');
  const filterId = useId();
  const presence = state.presence;
  const online = useMemo(() => {
    const list = presence?.online ?? [];
    const q = filter.trim().toLowerCase();
    const matched = q ? list.filter((p) => p.name.toLowerCase().includes(q) || (p.team ?? '').toLowerCase().includes(q)) : list;
    return [...matched].sort((a, b) => a.name.localeCompare(b.name));
  }, [presence, filter]);

  return (
    <section className="card" aria-labelledby="presence-heading" data-testid="presence">
      <h2 id="presence-heading">Online now</h2>
      {!presence ? (
        <p className="empty">Presence is not available for this role.</p>
      ) : (
        <>
          <div className="counts" role="group" aria-label="Online by cohort">
            <div className="count">
              <span className="count-value" data-testid="presence-room-count">
                {presence.counts.room}
              </span>
              <span className="count-label">Room</span>
            </div>
            <div className="count">
              <span className="count-value" data-testid="presence-remote-count">
                {presence.counts.remote}
              </span>
              <span className="count-label">Remote</span>
            </div>
          </div>
          <div className="field">
            <label htmlFor={filterId}>Find someone</label>
            <input id={filterId} type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="Name or team" data-testid="presence-filter" />
          </div>
          {online.length === 0 ? (
            <p className="empty">{filter ? 'Nobody online matches.' : 'Nobody is online yet.'}</p>
          ) : null}
          <ul className="people" data-testid="presence-list" aria-label="Online participants">
            {online.slice(0, LIST_LIMIT).map((p) => (
              <PersonRow key={p.id} p={p} isMe={p.id === state.me.id} />
            ))}
          </ul>
          {online.length > LIST_LIMIT ? (
            <p className="muted small">
              Showing {LIST_LIMIT} of {online.length}. Use “Find someone” to narrow the list.
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}

function PersonRow({ p, isMe }: { p: Participant; isMe: boolean }) {
  const { send } = useLive();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const otherMode = p.mode === 'room' ? 'remote' : 'room';

  async function correctMode() {
    setBusy(true);
    await send('participant:correct', { participantId: p.id, mode: otherMode });
    setBusy(false);
  }
  async function ban(banned: boolean) {
    setBusy(true);
    await send('participant:ban', { participantId: p.id, banned });
    setBusy(false);
    setConfirming(false);
  }

  return (
    <li className="person" data-testid="presence-item" data-participant-id={p.id}>
      <div className="person-main">
        <span className="person-name" data-testid="presence-name">
          {p.name}
          {isMe ? <span className="muted"> (you)</span> : null}
        </span>
        <span className="person-meta">
          {p.team ? <span data-testid="presence-team">{p.team}</span> : <span className="muted">No team</span>}
          <ModeBadge mode={p.mode} />
          {p.role !== 'attendee' ? <RoleBadge role={p.role} /> : null}
          {p.banned ? <span className="badge badge-banned">Banned</span> : null}
        </span>
      </div>
      {!isMe && p.role !== 'screen' ? (
        <div className="person-actions">
          <button type="button" className="btn btn-small" onClick={correctMode} disabled={busy} aria-label={`Mark ${p.name} as ${otherMode}`} data-testid="correct-mode">
            Mark {otherMode}
          </button>
          {STAFF.has(p.role) ? null : p.banned ? (
            <button type="button" className="btn btn-small" onClick={() => ban(false)} disabled={busy} aria-label={`Unban ${p.name}`}>
              Unban
            </button>
          ) : confirming ? (
            <>
              <button type="button" className="btn btn-small btn-danger" onClick={() => ban(true)} disabled={busy} aria-label={`Confirm ban of ${p.name}`} data-testid="ban-confirm">
                Confirm ban
              </button>
              <button type="button" className="btn btn-small btn-quiet" onClick={() => setConfirming(false)} disabled={busy}>
                Cancel
              </button>
            </>
          ) : (
            <button type="button" className="btn btn-small btn-danger-outline" onClick={() => setConfirming(true)} disabled={busy} aria-label={`Ban ${p.name}`} data-testid="ban">
              Ban
            </button>
          )}
        </div>
      ) : null}
    </li>
  );
}

function AgendaSection() {
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
