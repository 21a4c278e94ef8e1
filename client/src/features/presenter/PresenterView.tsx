import { useLive } from '../../components/EventGate';
import { Screen } from '../../components/Layout';
import { nowAndNext, timeRange } from '../../lib/agenda';
import { PresenterPolls } from '../polls/PresenterPolls';
import { PresenterQuestions } from '../qa/PresenterQuestions';
import { PresenterNotes, SessionTimer } from '../stage-live/PresenterStage';
import { AnnouncementBanner } from '../stage-live/AttendeeStage';
import { EventChat } from '../stage-live/Chat';

export function PresenterView({ code }: { code: string }) {
  const { state, connection } = useLive();
  const { now, next } = nowAndNext(state.event);
  const counts = state.presence?.counts;

  return (
    <Screen title={state.event.name} subtitle={`Presenter · code ${code}`} connection={connection} wide>
      <h1 className="visually-hidden">Presenter view</h1>
      <AnnouncementBanner />
      <div className="panel-grid">
        <section className="card" aria-labelledby="pres-live-heading" data-testid="presenter-live-session">
          <h2 id="pres-live-heading">Live session</h2>
          {now ? (
            <p className="big-line">
              <strong data-testid="presenter-live-title">{now.title}</strong>
              <span className="muted"> {timeRange(now)}</span>
            </p>
          ) : (
            <p className="empty" data-testid="presenter-live-title">
              No session is live. The control desk sets it.
            </p>
          )}
          <SessionTimer />
          {next ? (
            <p className="muted">
              Next: <strong>{next.title}</strong> {timeRange(next)}
            </p>
          ) : null}
          {counts ? (
            <p className="muted" data-testid="presenter-audience">
              Audience online: {counts.room} in the room · {counts.remote} remote
            </p>
          ) : null}
        </section>
        <section className="card" aria-labelledby="pres-activities-heading">
          <h2 id="pres-activities-heading">Your polls and quizzes</h2>
          <PresenterPolls />
        </section>
        <section className="card" aria-labelledby="pres-questions-heading">
          <h2 id="pres-questions-heading">Approved questions</h2>
          <PresenterQuestions />
        </section>
        <section className="card" aria-labelledby="pres-notes-heading">
          <h2 id="pres-notes-heading">Notes from the control desk</h2>
          <PresenterNotes />
        </section>
        <EventChat />
      </div>
    </Screen>
  );
}
