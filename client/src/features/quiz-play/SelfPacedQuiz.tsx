import { useEffect, useState } from 'react';
import type { QuizRevisit, QuizSelfQuestion, QuizSelfResult } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { correctText } from './model';
import { AnswerForm, QuestionHead } from './PlayerQuiz';
import './quiz-play.css';

const dateText = (iso: string) => new Date(iso).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

/**
 * [QUIZ41] [QUIZ42] "Quizzes to revisit": the reinforcement quizzes open to this attendee, each with
 * its closing date and a Play button; playing shows one question at a time, sent by the server to
 * this player alone, with the answer controls of live play and the result at once.
 */
export function QuizzesToRevisit() {
  const { state } = useLive();
  const open = state.quizPlay.revisits.filter((r) => Date.parse(r.closesAt) > Date.now() + state.clockOffsetMs);
  const [playing, setPlaying] = useState<string | null>(null);
  if (state.me.role !== 'attendee' || open.length === 0) return null;
  return (
    <section className="card" aria-labelledby="revisit-heading" data-testid="quiz-revisit">
      <h2 id="revisit-heading">Quizzes to revisit</h2>
      {playing ? (
        <SelfPacedPlayer revisit={open.find((r) => r.runId === playing) ?? open[0]!} onClose={() => setPlaying(null)} />
      ) : (
        <ul className="stack quiz-revisit-list" data-testid="quiz-revisit-list">
          {open.map((r) => (
            <li key={r.runId} className="row" data-testid="quiz-revisit-item">
              <span>
                <strong>{r.title}</strong>{' '}
                <span className="muted">
                  · {r.questionCount} {r.questionCount === 1 ? 'question' : 'questions'} · open until {dateText(r.closesAt)}
                </span>
              </span>
              {r.done ? (
                <span className="muted">Done</span>
              ) : (
                <button type="button" className="btn btn-primary btn-small" onClick={() => setPlaying(r.runId)} data-testid="quiz-revisit-play">
                  {r.answered > 0 ? 'Continue' : 'Play'}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** [QUIZ42] [QUIZ43] [QUIZ44] One self-paced run: the next question from the server, then its result. */
function SelfPacedPlayer({ revisit, onClose }: { revisit: QuizRevisit; onClose: () => void }) {
  const { send } = useLive();
  const [current, setCurrent] = useState<QuizSelfQuestion | null>(null);
  const [result, setResult] = useState<QuizSelfResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function nextQuestion() {
    setResult(null);
    setError(null);
    const ack = await send('quiz:selfStart', { runId: revisit.runId });
    if (ack.ok) setCurrent(ack.data);
    else setError(ack.error.message);
  }
  // The first question is asked for once, when the player opens the run.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => void nextQuestion(), [revisit.runId]);

  const q = current?.question ?? null;
  return (
    <section className="player-quiz" data-testid="self-quiz" aria-labelledby="player-quiz-h">
      <p className="muted">
        {revisit.title} · on your own, at your pace
      </p>
      {error ? (
        <p role="alert" data-testid="self-quiz-error">
          {error}
        </p>
      ) : null}
      {current?.done ? (
        <>
          <h3 id="player-quiz-h">All done</h3>
          <p className="quiz-wait" data-testid="self-quiz-done">
            You finished with <strong>{current.total}</strong> points.
          </p>
        </>
      ) : q && !result ? (
        <>
          <QuestionHead question={q} index={current!.index} total={current!.count} closesAt={current!.closesAtQuestion} />
          <AnswerForm
            key={q.id}
            runId={revisit.runId}
            question={q}
            onAnswer={async (answer, displayedForMs) => {
              const ack = await send('quiz:selfAnswer', { runId: revisit.runId, questionId: q.id, answer, displayedForMs });
              if (ack.ok) setResult(ack.data);
              else setError(ack.error.message);
            }}
          />
        </>
      ) : null}
      {q && result ? (
        <div className={`quiz-result ${result.correct ? 'is-correct' : 'is-wrong'}`} role="status" data-testid="self-quiz-result" data-correct={String(result.correct)}>
          <p className="quiz-result-head">{result.correct ? 'Correct!' : 'Not this time'}</p>
          <p>
            The answer: <strong>{correctText(q, result.reveal)}</strong>
          </p>
          <p>
            <strong>+{result.points}</strong> points · total <strong data-testid="self-quiz-total">{result.total}</strong>
          </p>
          {result.explanation ? <p className="muted">{result.explanation}</p> : null}
        </div>
      ) : null}
      <div className="row">
        {result || error ? (
          <button type="button" className="btn btn-primary" onClick={() => void nextQuestion()} data-testid="self-quiz-next">
            Next
          </button>
        ) : null}
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
      </div>
    </section>
  );
}
