import { useId, useMemo, useState } from 'react';
import type { Participant } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { ModeBadge, RoleBadge } from '../../components/Badges';
import { EventChat } from '../stage-live/Chat';
import { PresenceCounts } from './PresenceCounts';

/** [ID8] Moderators and admins cannot be banned: no button that can only fail. */
const STAFF = new Set<Participant['role']>(['moderator', 'admin']);

/** The list is for finding people; past this many, the filter does the work. */
const LIST_LIMIT = 200;

/** [UI10] Who is here: the presence list with its moderation (mode corrections, bans) and the chat. */
export function PeopleSection() {
  return (
    <div className="panel-grid">
      <PresenceSection />
      <EventChat />
    </div>
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
          <PresenceCounts counts={presence.counts} />
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
