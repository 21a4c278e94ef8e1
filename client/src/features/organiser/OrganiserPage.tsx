import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type { CreateEventResponse } from '@rally/shared';
import { api, ApiError } from '../../lib/api';
import { loadAdminToken, saveAdminToken } from '../../lib/tokens';
import { Notice, Screen } from '../../components/Layout';
import { useToasts } from '../../lib/toasts';
import { CreateEventForm } from './CreateEventForm';
import { EventCard } from './EventCard';

type EventsState = { status: 'idle' } | { status: 'loading' } | { status: 'ready'; events: CreateEventResponse[] } | { status: 'error'; message: string };

export function OrganiserPage() {
  const [adminToken, setAdminToken] = useState(loadAdminToken);
  const [events, setEvents] = useState<EventsState>({ status: 'idle' });
  const [created, setCreated] = useState<CreateEventResponse | null>(null);
  const toasts = useToasts();

  const refresh = useCallback(async (token: string) => {
    if (!token) return;
    setEvents({ status: 'loading' });
    try {
      const list = await api.listEvents(token);
      setEvents({ status: 'ready', events: list });
    } catch (err) {
      const unauthorized = err instanceof ApiError && (err.status === 401 || err.status === 403 || err.code === 'UNAUTHORIZED' || err.code === 'FORBIDDEN');
      setEvents({ status: 'error', message: unauthorized ? 'The server refused this admin token. Check it and try again.' : err instanceof Error ? err.message : 'Could not load events.' });
    }
  }, []);

  useEffect(() => {
    void refresh(adminToken);
  }, [adminToken, refresh]);

  function replaceEvent(updated: CreateEventResponse) {
    setEvents((s) => (s.status === 'ready' ? { ...s, events: s.events.map((e) => (e.event.id === updated.event.id ? updated : e)) } : s));
    setCreated((c) => (c && c.event.id === updated.event.id ? updated : c));
  }

  async function rotate(eventId: string) {
    try {
      const updated = await api.rotateKeys(adminToken, eventId);
      replaceEvent(updated);
      toasts.info('New presenter, moderator and stage links issued. The old ones no longer work.');
    } catch (err) {
      toasts.error(err instanceof Error ? err.message : 'Rotating the keys failed.');
    }
  }

  async function archive(eventId: string) {
    try {
      replaceEvent(await api.archiveEvent(adminToken, eventId));
      toasts.info('Event archived: it is read-only now, and its exports still work.');
    } catch (err) {
      toasts.error(err instanceof Error ? err.message : 'Archiving the event failed.');
    }
  }

  async function remove(eventId: string) {
    try {
      await api.deleteEvent(adminToken, eventId);
      setEvents((s) => (s.status === 'ready' ? { ...s, events: s.events.filter((e) => e.event.id !== eventId) } : s));
      setCreated((c) => (c && c.event.id === eventId ? null : c));
      toasts.info('Event deleted with all its data.');
    } catch (err) {
      toasts.error(err instanceof Error ? err.message : 'Deleting the event failed.');
    }
  }

  const actions = { adminToken, onRotate: rotate, onArchive: archive, onDelete: remove };
  const signedIn = adminToken !== '' && events.status !== 'error';

  return (
    <Screen title="Organiser" wide>
      <h1>Organiser</h1>
      <AdminTokenForm
        current={adminToken}
        onSave={(t) => {
          saveAdminToken(t);
          setAdminToken(t);
        }}
      />
      {events.status === 'error' ? (
        <Notice kind="error" testId="organiser-error">
          {events.message}
        </Notice>
      ) : null}
      {signedIn ? (
        <>
          <CreateEventForm
            adminToken={adminToken}
            onCreated={(res) => {
              setCreated(res);
              setEvents((s) => (s.status === 'ready' ? { ...s, events: [res, ...s.events.filter((e) => e.event.id !== res.event.id)] } : s));
            }}
          />
          {created ? (
            <section aria-labelledby="created-heading" data-testid="created-event">
              <h2 id="created-heading">Event created</h2>
              <EventCard item={created} {...actions} open />
            </section>
          ) : null}
          <section aria-labelledby="events-heading" data-testid="event-list">
            <div className="row spread">
              <h2 id="events-heading">Your events</h2>
              <button type="button" className="btn btn-small" onClick={() => void refresh(adminToken)}>
                Refresh
              </button>
            </div>
            {events.status === 'loading' ? <p className="loading">Loading events…</p> : null}
            {events.status === 'ready' && events.events.length === 0 ? <p className="empty">No events yet.</p> : null}
            {events.status === 'ready'
              ? events.events.map((e) => <EventCard key={e.event.id} item={e} {...actions} />)
              : null}
          </section>
        </>
      ) : null}
    </Screen>
  );
}

function AdminTokenForm({ current, onSave }: { current: string; onSave: (t: string) => void }) {
  const [value, setValue] = useState(current);
  const id = useId();
  function submit(e: FormEvent) {
    e.preventDefault();
    onSave(value.trim());
  }
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Organiser access</h2>
      <form onSubmit={submit} className="stack">
        <div className="field">
          <label htmlFor={id}>Admin token</label>
          <input
            id={id}
            type="password"
            autoComplete="off"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            data-testid="admin-token"
            aria-describedby={`${id}-hint`}
          />
          <p id={`${id}-hint`} className="muted small">
            The server’s ADMIN_TOKEN. Kept in this tab only, until you close it.
          </p>
        </div>
        <div className="row">
          <button type="submit" className="btn btn-primary" data-testid="admin-token-save">
            Use this token
          </button>
          {current ? (
            <button
              type="button"
              className="btn btn-quiet"
              onClick={() => {
                setValue('');
                onSave('');
              }}
            >
              Forget token
            </button>
          ) : null}
        </div>
      </form>
    </section>
  );
}
