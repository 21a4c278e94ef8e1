import { useId, useState } from 'react';
import type { QuestionView } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { stageQuestion, votesOf } from '../../lib/qaState';
import { excerpt, questionList } from './model';
import { authorOf, OriginBadge, QuestionTextBlock, ReplyBlock, useQaCommand, VoteCountStatic } from './QuestionBits';
import './qa.css';

/**
 * [QA18] The presenter's questions: approved questions of the live session, most votes first
 * ([QA11]), each with one-tap "Show on stage" ([QA17]) and "Mark answered" ([QA12]), large targets.
 */
export function PresenterQuestions() {
  const { state } = useLive();
  const { event, qa } = state;
  const [everySession, setEverySession] = useState(false);
  const allId = useId();
  const live = event.agenda.find((s) => s.id === event.liveSessionId) ?? null;
  const session = everySession || !live ? ({ kind: 'all' } as const) : ({ kind: 'session', sessionId: live.id } as const);
  const list = questionList(qa, { states: ['approved'], session, sort: 'popular' });
  const onStage = stageQuestion(qa);
  const pollLive = Object.values(state.polls.byId).some((p) => p.state === 'live');

  return (
    <div className="presenter-qa" data-testid="presenter-qa">
      {onStage ? (
        <p className="qa-onstage" data-testid="presenter-on-stage">
          <span className="badge badge-stage">On stage</span> {excerpt(onStage.text, 120)}
          {pollLive ? <span className="muted small"> · shown after the live poll closes</span> : null}
        </p>
      ) : null}
      {live ? (
        <div className="qa-check">
          <input id={allId} type="checkbox" checked={everySession} onChange={(e) => setEverySession(e.target.checked)} data-testid="presenter-qa-all" />
          <label htmlFor={allId}>Show questions from every session (not only “{live.title}”)</label>
        </div>
      ) : null}
      {list.length === 0 ? (
        <p className="empty" data-testid="presenter-qa-empty">
          Questions approved by the moderators will queue here, most votes first.
        </p>
      ) : (
        <ol className="qa-list presenter-qa-list" aria-label="Approved questions, most votes first">
          {list.map((q) => (
            <PresenterQuestion key={q.id} q={q} onStage={qa.highlightedId === q.id} />
          ))}
        </ol>
      )}
    </div>
  );
}

function PresenterQuestion({ q, onStage }: { q: QuestionView; onStage: boolean }) {
  const { state } = useLive();
  const { busy, run } = useQaCommand();
  const votes = votesOf(state.qa, q);
  const short = excerpt(q.text);
  return (
    <li className={`qa-item presenter-qa-item ${onStage ? 'is-on-stage' : ''}`} data-testid="presenter-question" data-question-id={q.id}>
      <div className="qa-vote">
        <VoteCountStatic votes={votes} big />
      </div>
      <div className="qa-body">
        <QuestionTextBlock q={q} className="qa-text qa-text-big" />
        <div className="qa-meta">
          <span className="qa-author">{authorOf(q)}</span>
          <OriginBadge origin={q.origin} />
          {onStage ? <span className="badge badge-stage">On stage</span> : null}
        </div>
        <ReplyBlock reply={q.reply} />
        <div className="qa-actions qa-actions-big">
          {onStage ? (
            <button type="button" className="btn btn-big" disabled={busy !== null} onClick={() => void run('hl', 'question:highlight', { questionId: null })} aria-label={`Take “${short}” off the stage`} data-testid="unhighlight">
              Take off stage
            </button>
          ) : (
            <button type="button" className="btn btn-big btn-primary" disabled={busy !== null} onClick={() => void run('hl', 'question:highlight', { questionId: q.id })} aria-label={`Show “${short}” on the stage`} data-testid="highlight">
              Show on stage
            </button>
          )}
          <button type="button" className="btn btn-big" disabled={busy !== null} onClick={() => void run('answered', 'question:markAnswered', { questionId: q.id })} aria-label={`Mark “${short}” answered`} data-testid="mark-answered">
            Mark answered
          </button>
        </div>
      </div>
    </li>
  );
}
