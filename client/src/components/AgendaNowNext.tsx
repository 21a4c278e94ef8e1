import type { PublicEvent } from '@rally/shared';
import { nowAndNext, timeRange } from '../lib/agenda';

export function AgendaNowNext({ event }: { event: PublicEvent }) {
  const { now, next } = nowAndNext(event);
  return (
    <section className="card" aria-labelledby="agenda-heading" data-testid="agenda-now-next">
      <h2 id="agenda-heading">Agenda</h2>
      {event.agenda.length === 0 ? (
        <p className="empty">The agenda has not been published yet.</p>
      ) : (
        <dl className="now-next">
          <div>
            <dt>Now</dt>
            <dd data-testid="agenda-now">
              {now ? (
                <>
                  <strong>{now.title}</strong> <span className="muted">{timeRange(now)}</span>
                </>
              ) : (
                <span className="muted">Between sessions</span>
              )}
            </dd>
          </div>
          <div>
            <dt>Next</dt>
            <dd data-testid="agenda-next">
              {next ? (
                <>
                  <strong>{next.title}</strong> <span className="muted">{timeRange(next)}</span>
                </>
              ) : (
                <span className="muted">Nothing else scheduled</span>
              )}
            </dd>
          </div>
        </dl>
      )}
    </section>
  );
}
