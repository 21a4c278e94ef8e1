import { useLive } from '../../components/EventGate';
import { Screen } from '../../components/Layout';
import { nowAndNext, timeRange } from '../../lib/agenda';
import { EarlierPolls, LivePolls, NextPolls, usePresenterPolls } from '../polls/PresenterPolls';
import { PresenterQuestions } from '../qa/PresenterQuestions';
import { describeSlot } from '../stage-live/describeSlot';
import { PresenterNotes, SessionTimer } from '../stage-live/PresenterStage';
import { AnnouncementBanner } from '../stage-live/AttendeeStage';
import { EventChat } from '../stage-live/Chat';
import { StaffQuiz } from '../quiz-play/StaffQuiz';

/**
 * [UI20] [UI21] The presenter's screen, top down in the order of a talk: what is live (the stage
 * and the live poll) beside the session clock, then what comes next, then questions, notes and
 * chat; the polls already run wait folded at the bottom.
 */
export function PresenterView({ code }: { code: string }) {
  const { state, connection } = useLive();
  const { now, next } = nowAndNext(state.event);
  const counts = state.presence?.counts;
  const deck = usePresenterPolls();
  const stage = describeSlot(state.stage.onStage.slot, state);

  return (
    <Screen title={state.event.name} subtitle={`Presenter · code ${code}`} connection={connection} wide>
      <h1 className="visually-hidden">Presenter view</h1>
      <AnnouncementBanner />
      <div className="panel-grid">
        <section className="card" aria-labelledby="pres-now-heading" data-testid="presenter-now">
          <h2 id="pres-now-heading">Live now</h2>
          <p className="muted" data-testid="presenter-on-stage" data-kind={state.stage.onStage.slot.kind}>
            On the stage screen: <strong>{stage.what}</strong>
            {stage.detail && state.stage.onStage.slot.kind !== 'idle' ? ` · ${stage.detail}` : ''}
          </p>
          <LivePolls deck={deck} />
          <section className="presenter-quiz" aria-labelledby="pres-quiz-heading" data-testid="presenter-quiz">
            <h3 id="pres-quiz-heading">Quiz</h3>
            <StaffQuiz />
          </section>
        </section>
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
        <section className="card" aria-labelledby="pres-next-heading">
          <h2 id="pres-next-heading">Next</h2>
          <NextPolls deck={deck} />
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
      <EarlierPolls deck={deck} />
    </Screen>
  );
}
