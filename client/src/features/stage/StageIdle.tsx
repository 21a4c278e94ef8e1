import { useLive } from '../../components/EventGate';
import { nowAndNext, timeRange } from '../../lib/agenda';
import { breakoutsInProgress } from '../../lib/breakoutState';
import { formatHm } from '../breakouts/model';

/**
 * [STAGE40] Nothing on stage: the agenda's now and next, big, beside the join panel. Between
 * sessions "now" says so; with no agenda at all, just a welcome.
 */
export function StageIdle() {
  const { state } = useLive();
  const { now, next } = nowAndNext(state.event);
  // [BRK78] While a round runs, the room learns how many rooms and when everyone is back.
  const breakouts = breakoutsInProgress(state.breakouts, formatHm);
  return (
    <div className="stage-idle" data-testid="stage-idle">
      <p className="stage-idle-welcome">Welcome! Join in from your phone or laptop.</p>
      {breakouts ? (
        <p className="stage-breakouts-line" data-testid="stage-breakouts-line">
          {breakouts}
        </p>
      ) : null}
      {now || next ? (
        <dl className="stage-agenda">
          <div className="stage-agenda-item is-now" data-testid="stage-agenda-now">
            <dt>Now</dt>
            <dd>{now ? <AgendaLine title={now.title} when={timeRange(now)} /> : <span className="stage-agenda-title">Between sessions</span>}</dd>
          </div>
          {next ? (
            <div className="stage-agenda-item" data-testid="stage-agenda-next">
              <dt>Next</dt>
              <dd>
                <AgendaLine title={next.title} when={timeRange(next)} />
              </dd>
            </div>
          ) : null}
        </dl>
      ) : null}
    </div>
  );
}

function AgendaLine({ title, when }: { title: string; when: string }) {
  return (
    <>
      <span className="stage-agenda-title">{title}</span>
      <span className="stage-agenda-time">{when}</span>
    </>
  );
}
