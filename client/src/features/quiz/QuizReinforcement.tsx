import { useId, useState, type FormEvent } from 'react';
import type { StoredQuiz, TopicComparison, WhatStuck } from '@rally/shared';
import { DownloadFile } from '../../components/DownloadButton';
import { sentence } from '../../lib/text';
import { quizUrl, useQuizAccess } from './access';
import { quizRequest } from './api';

const pct = (a: number | null) => (a === null ? '—' : `${Math.round(a * 100)} %`);
const change = (c: number | null) => (c === null ? '—' : `${c > 0 ? '+' : c < 0 ? '−' : '±'}${Math.abs(Math.round(c * 100))} pts`);
const topicName = (t: string) => t || '(no topic)';
/** A date input's value a week from now, in the browser's time zone. */
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000 - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 10);

/**
 * [QUIZ40] [QUIZ46] [QUIZ47] Per quiz in the console: reopen it as self-paced until a date, see
 * "what stuck" (per topic, live vs later), and download the results per participant.
 */
export function QuizReinforcementPanel({ quiz }: { quiz: StoredQuiz }) {
  const access = useQuizAccess();
  const uid = useId();
  const reopened = access.reopenedUntil(quiz.id) !== null;
  const [date, setDate] = useState(inDays(30));
  const [message, setMessage] = useState('');
  const [stuck, setStuck] = useState<WhatStuck | null>(null);
  const [stuckError, setStuckError] = useState('');

  async function reopen(e: FormEvent) {
    e.preventDefault();
    // The end of the chosen day, in the browser's time zone.
    const closesAt = new Date(`${date}T23:59:59`).toISOString();
    const ack = await access.reopen(quiz.id, closesAt);
    setMessage(ack.ok ? `Open to attendees until ${new Date(ack.data.closesAt).toLocaleString()}.` : ack.error.message);
  }

  async function loadStuck() {
    setStuckError('');
    const res = await quizRequest<WhatStuck>(access, 'GET', `${encodeURIComponent(quiz.id)}/what-stuck`);
    if (res.ok) setStuck(res.data);
    else setStuckError(sentence(res.error.message));
  }

  return (
    <div className="stack quiz-reinforcement" data-testid="quiz-reinforcement">
      <form className="row" onSubmit={reopen}>
        <label htmlFor={`${uid}-date`}>Reopen self-paced until</label>
        <input id={`${uid}-date`} className="input" type="date" value={date} min={inDays(0)} onChange={(e) => setDate(e.target.value)} data-testid="quiz-reopen-date" />
        <button type="submit" className="btn btn-small" disabled={quiz.questions.length === 0} data-testid="quiz-reopen">
          {reopened ? 'Move the date' : 'Reopen'}
        </button>
        <button type="button" className="btn btn-small btn-quiet" onClick={() => void loadStuck()} data-testid="quiz-what-stuck">
          What stuck?
        </button>
      </form>
      {message ? (
        <p className="muted small" role="status" data-testid="quiz-reopen-status">
          {message}
        </p>
      ) : null}
      {stuckError ? <p role="alert">{stuckError}</p> : null}
      {stuck ? <WhatStuckTable topics={stuck.topics} /> : null}
      <div className="row quiz-exports">
        <DownloadFile url={quizUrl(access, `${encodeURIComponent(quiz.id)}/results.csv`)} token={access.token} signedOut={access.signedOut} label="Results CSV" fallbackName="quiz-results.csv" what={`the results of “${quiz.title}”`} testId="quiz-results-csv" statusTestId="quiz-results-csv-status" />
        <DownloadFile url={quizUrl(access, `${encodeURIComponent(quiz.id)}/results.xlsx`)} token={access.token} signedOut={access.signedOut} label="Results XLSX" fallbackName="quiz-results.xlsx" what={`the results of “${quiz.title}”`} testId="quiz-results-xlsx" statusTestId="quiz-results-xlsx-status" />
      </div>
    </div>
  );
}

/** [QUIZ46] One row per topic: accuracy live, later, and the change. */
function WhatStuckTable({ topics }: { topics: TopicComparison[] }) {
  return (
    <table className="eng-table" data-testid="what-stuck-table">
      <caption className="visually-hidden">What stuck, per topic</caption>
      <thead>
        <tr>
          <th scope="col">Topic</th>
          <th scope="col">Live</th>
          <th scope="col">Later</th>
          <th scope="col">Change</th>
        </tr>
      </thead>
      <tbody>
        {topics.map((t) => (
          <tr key={t.topic} data-testid="what-stuck-row" data-topic={t.topic}>
            <th scope="row">{topicName(t.topic)}</th>
            <td>
              {pct(t.live.accuracy)} <span className="muted small">({t.live.answered})</span>
            </td>
            <td>
              {pct(t.later.accuracy)} <span className="muted small">({t.later.answered})</span>
            </td>
            <td>{change(t.change)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
