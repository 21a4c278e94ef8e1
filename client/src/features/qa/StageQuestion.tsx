import type { ReactNode } from 'react';
import { useLive } from '../../components/EventGate';
import { stageQuestion } from '../../lib/qaState';
import { OriginBadge } from './QuestionBits';
import './qa.css';

/**
 * [QA17] The projector's question: the highlighted question, big, with its author (unless
 * anonymous), origin and live vote count, in a polite live region that is always mounted (so the
 * first highlight is announced too). A live poll keeps the stage while it runs; `fallback` shows
 * whenever no question is.
 */
export function StageQuestion({ fallback }: { fallback: ReactNode }) {
  const { state } = useLive();
  const q = stageQuestion(state.qa);
  const pollLive = Object.values(state.polls.byId).some((p) => p.state === 'live');
  const show = q !== null && !pollLive;

  return (
    <>
      <div className="stage-question-region" aria-live="polite" data-testid="stage-question-region">
        {show ? (
          <article className="stage-question" aria-labelledby="stage-question-text" data-testid="stage-question" data-question-id={q.id}>
            <p className="stage-question-label">Question from the audience</p>
            <p id="stage-question-text" className="stage-question-text" data-testid="stage-question-text">
              {q.text}
            </p>
            <p className="stage-question-meta">
              {q.anonymous || !q.authorName ? (
                <span className="stage-question-author is-anonymous" data-testid="stage-question-author">
                  Anonymous
                </span>
              ) : (
                <span className="stage-question-author" data-testid="stage-question-author">
                  {q.authorName}
                </span>
              )}
              <OriginBadge origin={q.origin} className="stage-origin" />
              <span className="stage-question-votes">
                <span aria-hidden="true">▲ </span>
                <span data-testid="stage-question-votes">{q.votes}</span>
                <span className="visually-hidden"> {q.votes === 1 ? 'vote' : 'votes'}</span>
              </span>
            </p>
          </article>
        ) : null}
      </div>
      {show ? null : fallback}
    </>
  );
}
