import type { Survey, SurveyQuestionResults, SurveyResults } from '@rally/shared';
import { MODE_LABEL } from '../../components/Badges';
import { CountBars } from './Charts';
import { textCountLine } from './model';

const avg = (v: number | null) => (v === null ? '—' : v.toFixed(1));
const score = (v: number | null) => (v === null ? '—' : String(v));

/** [ENG16] The survey's results in the dashboard: responses per cohort and each question's figures. */
export function SurveyResultsView({ survey, results }: { survey: Survey; results: SurveyResults }) {
  const prompt = new Map(survey.questions.map((q) => [q.id, q.prompt]));
  return (
    <div className="survey-results stack" data-testid="survey-results">
      <p>
        Responses: <strong data-testid="survey-responses-room">{results.responses.room}</strong> room ·{' '}
        <strong data-testid="survey-responses-remote">{results.responses.remote}</strong> remote
      </p>
      {results.questions.map((q) => (
        <div key={q.questionId} className="survey-result" data-testid="survey-question-result" data-question-id={q.questionId}>
          <h4>{prompt.get(q.questionId) ?? q.questionId}</h4>
          <QuestionResult q={q} />
        </div>
      ))}
    </div>
  );
}

function QuestionResult({ q }: { q: SurveyQuestionResults }) {
  if (q.kind === 'text') {
    // [SEC48] An anonymous survey's texts come without cohorts, and only once it is closed.
    const count = textCountLine(q);
    if (count === null) {
      return (
        <p className="empty" data-testid="survey-texts-held">
          Anonymous survey: the written answers show once it closes.
        </p>
      );
    }
    return (
      <>
        <p className="small" data-testid="survey-text-count">
          {count}
        </p>
        {q.latest.length ? (
          <ul className="survey-texts" aria-label="Latest answers">
            {q.latest.map((t, i) => (
              <li key={i} data-testid="survey-text">
                {t.text}
                {t.mode ? <span className="muted small"> ({MODE_LABEL[t.mode]})</span> : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="empty">No answers yet.</p>
        )}
      </>
    );
  }
  const items = q.distribution.map((d) => ({ key: `${q.questionId}-${d.value}`, label: String(d.value), value: d.room + d.remote }));
  return (
    <>
      {q.kind === 'rating' ? (
        <p className="small" data-testid="survey-average">
          Average {avg(q.average.all)} (room {avg(q.average.room)}, remote {avg(q.average.remote)})
        </p>
      ) : (
        <p className="small" data-testid="survey-nps">
          NPS {score(q.nps.all.score)} (room {score(q.nps.room.score)}, remote {score(q.nps.remote.score)}) · {q.nps.all.promoters} promoters, {q.nps.all.passives}{' '}
          passives, {q.nps.all.detractors} detractors
        </p>
      )}
      <CountBars items={items} label="Answers per value" testId={`survey-distribution-${q.questionId}`} />
    </>
  );
}
