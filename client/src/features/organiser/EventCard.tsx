import { useState } from 'react';
import type { CreateEventResponse } from '@rally/shared';
import { CopyField } from '../../components/CopyField';
import { QrCode } from '../../components/QrCode';

export function EventCard({ item, onRotate, open = false }: { item: CreateEventResponse; onRotate: (eventId: string) => Promise<void>; open?: boolean }) {
  const { event, code, links } = item;
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  async function rotate() {
    setBusy(true);
    await onRotate(event.id);
    setBusy(false);
    setConfirming(false);
  }

  return (
    <details className="card event-card" open={open} data-testid="event-card" data-event-id={event.id}>
      <summary>
        <span className="event-card-name">{event.name}</span>
        <span className="event-card-code" data-testid="event-code">
          {code}
        </span>
      </summary>
      <div className="event-card-body">
        <div className="stack">
          <CopyField label="Attendee link" value={links.attendee} testId="link-attendee" />
          <CopyField label="Presenter link" value={links.presenter} testId="link-presenter" />
          <CopyField label="Moderator link" value={links.moderator} testId="link-moderator" />
          <CopyField label="Stage screen link" value={links.stage} testId="link-stage" />
          {event.teams.length ? <p className="muted small">Teams: {event.teams.join(', ')}</p> : null}
          {/* [QUIZ17] Quizzes are written in the moderator console; scripts use the REST routes. */}
          <p className="muted small" data-testid="organiser-quiz-hint">
            Quizzes: open the moderator link and choose <strong>Quiz</strong> to write, import and export them, or script them over REST (<code>/api/events/{event.id}/quizzes</code>, with the admin token).{' '}
            <a href="/api/quiz-template.csv" download="rally-quiz-template.csv">
              Download the quiz CSV template
            </a>
            .
          </p>
          <div className="row">
            {confirming ? (
              <>
                <button type="button" className="btn btn-danger" onClick={rotate} disabled={busy} data-testid="rotate-confirm">
                  {busy ? 'Rotating…' : 'Yes, replace the links'}
                </button>
                <button type="button" className="btn btn-quiet" onClick={() => setConfirming(false)} disabled={busy}>
                  Cancel
                </button>
              </>
            ) : (
              <button type="button" className="btn" onClick={() => setConfirming(true)} data-testid="rotate-keys">
                Rotate keys
              </button>
            )}
          </div>
          {confirming ? (
            <p className="muted small" role="status">
              The presenter, moderator and stage links will stop working; people using them must open the new ones.
            </p>
          ) : null}
        </div>
        <figure className="qr-figure">
          <QrCode text={links.attendee} size={200} alt={`QR code for the attendee link of ${event.name}: ${links.attendee}`} testId="attendee-qr" />
          <figcaption className="muted small">Attendee link, code {code}</figcaption>
        </figure>
      </div>
    </details>
  );
}
