import { useState } from 'react';
import type { CreateEventResponse, PublicEvent } from '@rally/shared';
import { CopyField } from '../../components/CopyField';
import { QrCode } from '../../components/QrCode';
import { OrganiserQuizzes } from './OrganiserQuizzes';

type Confirming = 'rotate' | 'archive' | 'delete' | null;

export interface EventActions {
  onRotate: (eventId: string) => Promise<void>;
  /** [OPS51] */
  onArchive: (eventId: string) => Promise<void>;
  /** [OPS52] */
  onDelete: (eventId: string) => Promise<void>;
}

/** [OPS50] When the event is over: the end of its last session; none without an agenda. */
export function lastSessionEnd(event: Pick<PublicEvent, 'agenda'>): number | null {
  const ends = event.agenda.map((s) => Date.parse(s.endsAt)).filter(Number.isFinite);
  return ends.length ? Math.max(...ends) : null;
}

const when = (ms: number) => new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function EventCard({ item, adminToken, onRotate, onArchive, onDelete, open = false }: { item: CreateEventResponse; adminToken: string; open?: boolean } & EventActions) {
  const { event, code, links } = item;
  const [confirming, setConfirming] = useState<Confirming>(null);
  const [busy, setBusy] = useState(false);
  const archived = Boolean(event.archivedAt);
  const end = lastSessionEnd(event);
  const over = archived || end === null || end <= Date.now();

  async function run(action: (eventId: string) => Promise<void>) {
    setBusy(true);
    await action(event.id);
    setBusy(false);
    setConfirming(null);
  }

  const confirmRow = (label: string, busyLabel: string, action: (eventId: string) => Promise<void>, testId: string) => (
    <>
      <button type="button" className="btn btn-danger" onClick={() => void run(action)} disabled={busy} data-testid={testId}>
        {busy ? busyLabel : label}
      </button>
      <button type="button" className="btn btn-quiet" onClick={() => setConfirming(null)} disabled={busy}>
        Cancel
      </button>
    </>
  );

  return (
    <details className="card event-card" open={open} data-testid="event-card" data-event-id={event.id}>
      <summary>
        <span className="event-card-name">{event.name}</span>
        {archived ? (
          <span className="badge" data-testid="event-archived">
            Archived
          </span>
        ) : null}
        <span className="event-card-code" data-testid="event-code">
          {code}
        </span>
      </summary>
      <div className="event-card-body">
        <div className="stack">
          {archived ? (
            <p className="muted small" data-testid="archived-note">
              Archived {when(Date.parse(event.archivedAt!))}: read-only. Exports still work; nobody can join or change anything.
            </p>
          ) : null}
          <CopyField label="Attendee link" value={links.attendee} testId="link-attendee" />
          <CopyField label="Presenter link" value={links.presenter} testId="link-presenter" />
          <CopyField label="Moderator link" value={links.moderator} testId="link-moderator" />
          <CopyField label="Stage screen link" value={links.stage} testId="link-stage" />
          {event.teams.length ? <p className="muted small">Teams: {event.teams.join(', ')}</p> : null}
          {/* What a confirmation does is read before its button. */}
          {confirming === 'rotate' ? (
            <p className="muted small" role="status">
              The presenter, moderator and stage links will stop working; people using them must open the new ones.
            </p>
          ) : confirming === 'archive' ? (
            <p className="muted small" role="status" data-testid="archive-explainer">
              Everyone still connected is signed out. The event becomes read-only: its results and exports stay, nobody can join or change anything. This cannot be undone.
            </p>
          ) : confirming === 'delete' ? (
            <p className="muted small" role="status" data-testid="delete-explainer">
              Everything of “{event.name}” is deleted for good: participants, votes, questions, chat, quizzes, breakouts and the engagement log. Download the exports you need first.
            </p>
          ) : null}
          <div className="row">
            {confirming === 'rotate' ? (
              confirmRow('Yes, replace the links', 'Rotating…', onRotate, 'rotate-confirm')
            ) : confirming === 'archive' ? (
              confirmRow('Yes, archive it', 'Archiving…', onArchive, 'archive-confirm')
            ) : confirming === 'delete' ? (
              confirmRow('Yes, delete everything', 'Deleting…', onDelete, 'delete-confirm')
            ) : (
              <>
                {archived ? null : (
                  <button type="button" className="btn" onClick={() => setConfirming('rotate')} data-testid="rotate-keys">
                    Rotate keys
                  </button>
                )}
                {archived ? null : (
                  <button type="button" className="btn" onClick={() => setConfirming('archive')} disabled={!over} data-testid="archive-event">
                    Archive event
                  </button>
                )}
                <button type="button" className="btn btn-danger" onClick={() => setConfirming('delete')} disabled={!over || (end === null && !archived)} data-testid="delete-event">
                  Delete event
                </button>
              </>
            )}
          </div>
          {!over ? (
            <p className="muted small" data-testid="not-over-note">
              Archive and delete open once the last session has ended ({when(end!)}).
            </p>
          ) : end === null && !archived ? (
            <p className="muted small">This event has no agenda: archive it to close it; it can then be deleted.</p>
          ) : null}
        </div>
        <figure className="qr-figure">
          <QrCode text={links.attendee} size={200} alt={`QR code for the attendee link of ${event.name}: ${links.attendee}`} testId="attendee-qr" />
          <figcaption className="muted small">Attendee link, code {code}</figcaption>
        </figure>
      </div>
      {/* [UI72] The console's quiz authoring, over REST with the admin token (an archived event's exports still work; the server refuses its writes). */}
      <OrganiserQuizzes event={event} adminToken={adminToken} />
    </details>
  );
}
