import { useLive } from '../../components/EventGate';
import { nowAndNext, timeRange } from '../../lib/agenda';

/**
 * [STAGE40] Nothing on stage: the agenda's now and next, big, beside the join panel. Between
 * sessions "now" says so; with no agenda at all, just a welcome.
 */
export function StageIdle() {
  const { state } = useLive();
  const { now, next } = nowAndNext(state.event);
  return (
    <div className="stage-idle" data-testid="stage-idle">
      <p className="stage-idle-welcome">Welcome! Join in from your phone or laptop.</p>
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
