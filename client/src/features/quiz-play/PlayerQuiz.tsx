import { useId, useRef, useState, type FormEvent } from 'react';
import type { PlayerQuestion, QuizAnswerValue, QuizMyResult, QuizPhase } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { playerRun, type PlayerRun } from '../../lib/quizPlayState';
import { answerFrom, choicesOf, correctText, displayedFor, markOf, move, ordinal } from './model';
import { PlayerTable, QuestionNumber, TeamStandings } from './QuizBits';
import { ShapeIcon } from './Shape';
import { secondsLeft, useUntil } from './useQuizClock';
import './quiz-play.css';

export const LOCKED_IN_TEXT = 'Answer locked in — wait for the reveal';
export const LOOK_AT_STAGE_TEXT = 'Look at the stage screen';

/**
 * [UI58]–[UI63] The quiz on an attendee's phone or laptop, in "Live now": the phase of the run on
 * stage, the answer controls while answering (once per question), then the player's own result.
 */
export function PlayerQuiz({ runId }: { runId: string }) {
  const { state } = useLive();
  const phase = state.quizPlay.runs[runId]?.phase;
  const me = playerRun(state.quizPlay, runId);
  if (!phase) {
    return (
      <p className="empty" data-testid="player-quiz-waiting">
        A quiz is starting…
      </p>
    );
  }
  return (
    <section className="player-quiz" data-testid="player-quiz" data-phase={phase.phase} aria-labelledby="player-quiz-h">
      <PlayerPhase runId={runId} phase={phase} me={me} />
    </section>
  );
}

function PlayerPhase({ runId, phase: p, me }: { runId: string; phase: QuizPhase; me: PlayerRun }) {
  switch (p.phase) {
    case 'lobby':
      return (
        <>
          <h3 id="player-quiz-h">{p.title}</h3>
          <p className="quiz-wait" data-testid="player-quiz-lobby">
            You are in. The quiz starts soon: {p.total} {p.total === 1 ? 'question' : 'questions'}.
          </p>
        </>
      );
    case 'getReady':
      return (
        <>
          <h3 id="player-quiz-h">
            <QuestionNumber index={p.questionIndex} total={p.total} points={p.points} />
          </h3>
          <p className="quiz-wait">Get ready…</p>
        </>
      );
    case 'teamTalk':
      return (
        <>
          <QuestionHead question={p.question} index={p.questionIndex} total={p.total} closesAt={p.endsAt} />
          <p className="quiz-wait">Talk it over with your team. Answering opens soon.</p>
        </>
      );
    case 'answering': {
      const given = me.answers[p.question.id];
      return (
        <>
          <QuestionHead question={p.question} index={p.questionIndex} total={p.total} closesAt={p.closesAt} />
          {given ? <LockedIn /> : <AnswerForm key={p.question.id} runId={runId} question={p.question} />}
        </>
      );
    }
    case 'locked':
      return (
        <>
          <QuestionHead question={p.question} index={p.questionIndex} total={p.total} closesAt={null} />
          {me.answers[p.question.id] ? (
            <LockedIn />
          ) : (
            <p className="quiz-wait" data-testid="player-quiz-missed">
              Answers are closed. Wait for the reveal.
            </p>
          )}
        </>
      );
    case 'reveal': {
      const r = me.results[p.question.id];
      return (
        <>
          <QuestionHead question={p.question} index={p.questionIndex} total={p.total} closesAt={null} />
          <p>
            The answer: <strong data-testid="player-quiz-correct">{correctText(p.question, p.reveal)}</strong>
          </p>
          {r ? <MyResult result={r} /> : <p className="quiz-wait">Your result is on its way…</p>}
          {p.explanation ? <p className="muted">{p.explanation}</p> : null}
        </>
      );
    }
    case 'standings':
      return (
        <>
          <h3 id="player-quiz-h">
            Standings after question {p.questionIndex + 1} of {p.total}
          </h3>
          <MyTotal me={me} />
          <PlayerTable players={p.players} />
          <TeamStandings teams={p.teams} />
        </>
      );
    case 'podium':
      return (
        <>
          <h3 id="player-quiz-h">Final results</h3>
          <MyTotal me={me} final />
          <PlayerTable players={p.players} testId="player-quiz-podium" />
          <TeamStandings teams={p.teams} />
        </>
      );
    case 'ended':
      return (
        <>
          <h3 id="player-quiz-h">The quiz is over</h3>
          <MyTotal me={me} final />
        </>
      );
  }
}

/** The question's number, its clock and, unless devices show the buttons alone, its text and image. */
export function QuestionHead({ question: q, index, total, closesAt }: { question: PlayerQuestion; index: number; total: number; closesAt: string | null }) {
  return (
    <>
      <div className="player-quiz-top">
        <QuestionNumber index={index} total={total} points={q.points} />
        {closesAt ? <Timer at={closesAt} /> : null}
      </div>
      {q.text !== null ? (
        <h3 id="player-quiz-h" data-testid="player-quiz-question">
          {q.text}
        </h3>
      ) : (
        // [UI63] The question is on the stage screen and the stream only.
        <h3 id="player-quiz-h" className="quiz-look" data-testid="player-quiz-look">
          {LOOK_AT_STAGE_TEXT}
        </h3>
      )}
      {q.imageUrl ? <img className="player-quiz-image" src={q.imageUrl} alt="" /> : null}
    </>
  );
}

function Timer({ at }: { at: string }) {
  const s = secondsLeft(useUntil(at));
  if (s === null) return null;
  return (
    <span className="player-quiz-timer" role="timer" aria-live="off" data-testid="player-quiz-timer">
      {s} s left
    </span>
  );
}

function LockedIn() {
  return (
    <p className="quiz-wait" role="status" data-testid="player-quiz-locked-in">
      {LOCKED_IN_TEXT}
    </p>
  );
}

/**
 * [UI58] [UI59] [UI60] The answer controls for one question. The display time runs from this
 * form's first render for the question (it is keyed by question id) to the submit, measured with
 * the monotonic performance clock.
 */
export function AnswerForm({
  runId,
  question: q,
  onAnswer,
}: {
  runId: string;
  question: PlayerQuestion;
  /** [QUIZ43] Where the answer goes instead of `quiz:answer` (the self-paced player's `quiz:selfAnswer`). */
  onAnswer?: (answer: QuizAnswerValue, displayedForMs: number) => Promise<unknown>;
}) {
  const { send } = useLive();
  const shownAt = useRef<number | null>(null);
  if (shownAt.current === null) shownAt.current = performance.now();
  const [picked, setPicked] = useState<number[]>([]);
  const [text, setText] = useState('');
  const [order, setOrder] = useState<number[]>(q.kind === 'ordering' ? q.items.map((i) => i.id) : []);
  const [value, setValue] = useState<number | null>(q.kind === 'number' ? Math.round((q.min + q.max) / 2) : null);
  const [busy, setBusy] = useState(false);
  const fieldId = useId();

  async function submit(answer: QuizAnswerValue | null) {
    if (!answer || busy) return;
    const displayedForMs = displayedFor(shownAt.current ?? performance.now(), performance.now());
    setBusy(true);
    if (onAnswer) await onAnswer(answer, displayedForMs);
    else await send('quiz:answer', { runId, questionId: q.id, answer, displayedForMs });
    setBusy(false);
  }
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void submit(answerFrom(q, { picked, text, order, value }));
  };

  if (q.kind === 'choice' || q.kind === 'truefalse') {
    const multiple = q.kind === 'choice' && q.multiple;
    const alone = q.text === null;
    return (
      <form onSubmit={onSubmit} className="stack" data-testid="player-quiz-answer">
        {multiple ? <p className="muted">More than one answer is right: pick all of them, then send.</p> : null}
        <div className={`quiz-buttons ${alone ? 'is-alone' : ''}`} role="group" aria-label="Answers">
          {choicesOf(q).map((label, i) => {
            const mark = markOf(i);
            const on = picked.includes(i);
            return (
              <button
                key={i}
                type="button"
                className="quiz-answer-btn"
                style={{ background: mark.colour }}
                disabled={busy}
                aria-pressed={multiple ? on : undefined}
                data-testid="player-quiz-option"
                data-shape={mark.shape}
                onClick={() => {
                  if (multiple) setPicked(on ? picked.filter((x) => x !== i) : [...picked, i]);
                  else void submit(answerFrom(q, { picked: [i], text, order, value }));
                }}
              >
                <ShapeIcon index={i} />
                <span>
                  <span className="visually-hidden">{mark.name}: </span>
                  {label}
                </span>
              </button>
            );
          })}
        </div>
        {multiple ? (
          <button type="submit" className="btn btn-primary" disabled={busy || picked.length === 0} data-testid="player-quiz-submit">
            Send my answer
          </button>
        ) : null}
      </form>
    );
  }

  if (q.kind === 'type') {
    return (
      <form onSubmit={onSubmit} className="stack" data-testid="player-quiz-answer">
        <label htmlFor={fieldId}>Your answer</label>
        <input id={fieldId} className="input" value={text} maxLength={80} autoComplete="off" onChange={(e) => setText(e.target.value)} data-testid="player-quiz-text" />
        <button type="submit" className="btn btn-primary" disabled={busy || !text.trim()} data-testid="player-quiz-submit">
          Send my answer
        </button>
      </form>
    );
  }

  if (q.kind === 'ordering') {
    const label = new Map(q.items.map((i) => [i.id, i.label]));
    return (
      <form onSubmit={onSubmit} className="stack" data-testid="player-quiz-answer">
        <p className="muted" id={fieldId}>
          Put them in order, first at the top. Use the up and down buttons.
        </p>
        <ol className="quiz-order" aria-describedby={fieldId} data-testid="player-quiz-order">
          {order.map((id, i) => (
            <li key={id} data-testid="player-quiz-order-item">
              <span className="quiz-order-pos" aria-hidden="true">
                {i + 1}
              </span>
              <span className="quiz-order-label">{label.get(id)}</span>
              <span className="quiz-order-moves">
                <button type="button" className="btn btn-small" disabled={busy || i === 0} onClick={() => setOrder(move(order, i, -1))} aria-label={`Move “${label.get(id)}” up`}>
                  ↑
                </button>
                <button type="button" className="btn btn-small" disabled={busy || i === order.length - 1} onClick={() => setOrder(move(order, i, 1))} aria-label={`Move “${label.get(id)}” down`}>
                  ↓
                </button>
              </span>
            </li>
          ))}
        </ol>
        <p className="visually-hidden" aria-live="polite">
          {`Order: ${order.map((id) => label.get(id)).join(', ')}`}
        </p>
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="player-quiz-submit">
          Send my order
        </button>
      </form>
    );
  }

  // number
  const step = Number.isInteger(q.min) && Number.isInteger(q.max) && q.max - q.min >= 10 ? 1 : (q.max - q.min) / 100;
  return (
    <form onSubmit={onSubmit} className="stack" data-testid="player-quiz-answer">
      <label htmlFor={fieldId}>
        Your number ({q.min} to {q.max})
      </label>
      <input
        id={fieldId}
        className="input"
        type="number"
        inputMode="decimal"
        min={q.min}
        max={q.max}
        step="any"
        value={value ?? ''}
        onChange={(e) => setValue(e.target.value === '' ? null : Number(e.target.value))}
        data-testid="player-quiz-number"
      />
      <input type="range" min={q.min} max={q.max} step={step} value={value ?? q.min} onChange={(e) => setValue(Number(e.target.value))} aria-label="Your number, on a slider" />
      <button type="submit" className="btn btn-primary" disabled={busy || value === null || value < q.min || value > q.max} data-testid="player-quiz-submit">
        Send my answer
      </button>
    </form>
  );
}

/** [UI62] The player's own outcome for the question just revealed. */
function MyResult({ result: r }: { result: QuizMyResult }) {
  const head = !r.answered ? 'No answer this time' : r.correct ? 'Correct!' : 'Not this time';
  return (
    <div className={`quiz-result ${r.correct ? 'is-correct' : 'is-wrong'}`} role="status" data-testid="player-quiz-result" data-correct={String(r.correct)}>
      <p className="quiz-result-head">{head}</p>
      <p>
        <strong data-testid="player-quiz-points">+{r.points}</strong> points{r.bonus > 0 ? ` (including a ${r.bonus} streak bonus)` : ''}
        {r.streak > 1 ? (
          <>
            {' · '}
            <span data-testid="player-quiz-streak">{r.streak} in a row</span>
          </>
        ) : null}
      </p>
      <p>
        Total <strong data-testid="player-quiz-total">{r.total}</strong>
        {r.rank !== null ? (
          <>
            {' · '}
            <span data-testid="player-quiz-rank">
              {ordinal(r.rank)} of {r.players}
            </span>
          </>
        ) : null}
        {r.gapToAhead !== null && r.rank !== null && r.rank > 1 ? ` · ${r.gapToAhead} points behind the player ahead` : ''}
      </p>
    </div>
  );
}

function MyTotal({ me, final = false }: { me: PlayerRun; final?: boolean }) {
  return (
    <p className="quiz-wait" data-testid="player-quiz-my-total">
      {final ? 'You finished with' : 'You have'} <strong>{me.total}</strong> points
      {me.rank !== null ? ` · ${ordinal(me.rank)} place` : ''}
      {me.streak > 1 ? ` · ${me.streak} in a row` : ''}
    </p>
  );
}

