import { useLive } from '../../components/EventGate';
import { stageQuestion } from '../../lib/qaState';
import { OriginBadge } from './QuestionBits';
import './qa.css';

/**
 * [QA17] [STAGE40] The projector's question: the one the stage slot names, big, with its author
 * (unless anonymous), origin and live vote count. The stage screen keeps the polite live region
 * around it mounted, so the first question shown is announced too. Sized in `em` for the stage's
 * fit box ([STAGE41]).
 */
export function StageQuestion({ questionId }: { questionId: string }) {
  const { state } = useLive();
  const q = stageQuestion(state.qa, questionId);
  if (!q) return null;
  return (
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
  );
}
