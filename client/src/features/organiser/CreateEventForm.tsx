import { useId, useState, type FormEvent } from 'react';
import { SessionKind, type AgendaSession, type CreateEventResponse } from '@rally/shared';
import { api } from '../../lib/api';
import { newCommandId } from '../../lib/ids';

interface SessionDraft {
  key: string;
  title: string;
  kind: SessionKind;
  start: string;
  end: string;
}

const KINDS = SessionKind.options;

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** "EMEA, Americas ,, APAC" -> ["EMEA", "Americas", "APAC"], first spelling of duplicates kept. */
export function parseTeams(raw: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const t of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const k = t.toLowerCase();
    if (!seen.has(k)) {
      seen.add(k);
      out.push(t);
    }
  }
  return out;
}

export function CreateEventForm({ adminToken, onCreated }: { adminToken: string; onCreated: (res: CreateEventResponse) => void }) {
  const [name, setName] = useState('');
  const [teams, setTeams] = useState('');
  const [date, setDate] = useState(today);
  const [sessions, setSessions] = useState<SessionDraft[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  function update(key: string, patch: Partial<SessionDraft>) {
    setSessions((list) => list.map((s) => (s.key === key ? { ...s, ...patch } : s)));
  }
  function addSession() {
    const last = sessions[sessions.length - 1];
    const start = last?.end || '09:00';
    const [h, m] = start.split(':').map(Number);
    const end = `${String(Math.min(23, (h ?? 9) + 1)).padStart(2, '0')}:${String(m ?? 0).padStart(2, '0')}`;
    setSessions((list) => [...list, { key: newCommandId(), title: '', kind: 'keynote', start, end }]);
  }

  function buildAgenda(): AgendaSession[] | string {
    const agenda: AgendaSession[] = [];
    for (const [i, s] of sessions.entries()) {
      const n = i + 1;
      if (!s.title.trim()) return `Session ${n} needs a title.`;
      const startsAt = new Date(`${date}T${s.start}`);
      const endsAt = new Date(`${date}T${s.end}`);
      if (Number.isNaN(startsAt.getTime()) || Number.isNaN(endsAt.getTime())) return `Session ${n} needs a start and an end time.`;
      if (endsAt <= startsAt) return `Session ${n} ends before it starts.`;
      agenda.push({
        id: `s${n}-${s.key.slice(0, 8)}`,
        title: s.title.trim(),
        kind: s.kind,
        startsAt: startsAt.toISOString(),
        endsAt: endsAt.toISOString(),
        speakers: [],
      });
    }
    return agenda;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) {
      setError('Give the event a name.');
      return;
    }
    const agenda = buildAgenda();
    if (typeof agenda === 'string') {
      setError(agenda);
      return;
    }
    setError(null);
    setBusy(true);
    try {
      const res = await api.createEvent(adminToken, { name: name.trim(), teams: parseTeams(teams), agenda });
      onCreated(res);
      setName('');
      setTeams('');
      setSessions([]);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Creating the event failed.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Create an event</h2>
      <form onSubmit={submit} noValidate className="stack" data-testid="create-event-form">
        <div className="field">
          <label htmlFor={`${id}-name`}>Event name</label>
          <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} maxLength={120} required data-testid="event-name-input" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-teams`}>Teams</label>
          <input
            id={`${id}-teams`}
            value={teams}
            onChange={(e) => setTeams(e.target.value)}
            placeholder="EMEA, Americas, APAC"
            aria-describedby={`${id}-teams-hint`}
            data-testid="event-teams-input"
          />
          <p id={`${id}-teams-hint`} className="muted small">
            Comma-separated. Attendees pick one when they join.
          </p>
        </div>
        <fieldset className="field">
          <legend>Agenda (optional)</legend>
          {sessions.length > 0 ? (
            <div className="field">
              <label htmlFor={`${id}-date`}>Day</label>
              <input id={`${id}-date`} type="date" value={date} onChange={(e) => setDate(e.target.value)} />
            </div>
          ) : null}
          {sessions.map((s, i) => (
            <div key={s.key} className="session-row" role="group" aria-label={`Session ${i + 1}`}>
              <div className="field grow">
                <label htmlFor={`${s.key}-title`}>Title</label>
                <input id={`${s.key}-title`} value={s.title} maxLength={120} onChange={(e) => update(s.key, { title: e.target.value })} />
              </div>
              <div className="field">
                <label htmlFor={`${s.key}-kind`}>Kind</label>
                <select id={`${s.key}-kind`} value={s.kind} onChange={(e) => update(s.key, { kind: e.target.value as SessionKind })}>
                  {KINDS.map((k) => (
                    <option key={k} value={k}>
                      {k}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor={`${s.key}-start`}>Starts</label>
                <input id={`${s.key}-start`} type="time" value={s.start} onChange={(e) => update(s.key, { start: e.target.value })} />
              </div>
              <div className="field">
                <label htmlFor={`${s.key}-end`}>Ends</label>
                <input id={`${s.key}-end`} type="time" value={s.end} onChange={(e) => update(s.key, { end: e.target.value })} />
              </div>
              <button type="button" className="btn btn-small btn-quiet" onClick={() => setSessions((l) => l.filter((x) => x.key !== s.key))} aria-label={`Remove session ${i + 1}`}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" className="btn btn-small" onClick={addSession} data-testid="add-session">
            Add a session
          </button>
        </fieldset>
        {error ? (
          <p className="field-error" role="alert" data-testid="create-error">
            {error}
          </p>
        ) : null}
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="create-event-submit">
          {busy ? 'Creating…' : 'Create event'}
        </button>
      </form>
    </section>
  );
}
