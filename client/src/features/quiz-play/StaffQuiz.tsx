import { useEffect, useRef, useState, type ReactNode } from 'react';
import { revealOf, type QuizControl, type QuizPresenterPhase, type StoredQuiz } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { isTyping } from '../../lib/keys';
import { OptionTiles, PlayerTable, QuestionNumber, RevealSummary, TeamStandings } from './QuizBits';
import { correctText } from './model';
import { secondsLeft, useUntil } from './useQuizClock';
import './quiz-play.css';

/** [UI65] Which controls fit which phase (the server refuses the others: [QUIZ27]). */
const ALLOWED: Record<QuizPresenterPhase['phase'], readonly QuizControl[]> = {
  lobby: ['start', 'end'],
  getReady: ['skip', 'end'],
  teamTalk: ['next', 'skip', 'end'],
  answering: ['lockNow', 'addTime', 'skip', 'end'],
  locked: ['next', 'skip', 'end'],
  reveal: ['next', 'end'],
  standings: ['next', 'end'],
  podium: ['next', 'end'],
  ended: [],
};

/** [UI65] The shortcuts, as documented on screen. "→" moves the quiz on, whatever the phase. */
export const QUIZ_KEYS: { keys: string; what: string }[] = [
  { keys: '→ or Page Down', what: 'start, lock, or next' },
  { keys: 'K', what: 'lock now' },
  { keys: '+', what: 'add 10 s' },
  { keys: 'Shift + →', what: 'skip the question' },
  { keys: 'Shift + E', what: 'end the quiz (asks first)' },
];

/** What "→" does in a phase: the one step that moves the quiz on. */
function advanceFor(phase: QuizPresenterPhase['phase']): QuizControl | null {
  if (phase === 'lobby') return 'start';
  if (phase === 'answering') return 'lockNow';
  return ALLOWED[phase].includes('next') ? 'next' : null;
}

const LABEL: Record<QuizControl, string> = { start: 'Start', next: 'Next', lockNow: 'Lock now', addTime: '+10 s', skip: 'Skip question', end: 'End quiz' };

/**
 * [UI64]–[UI66] The quiz for presenters and moderators: run one of the session's quizzes, then pace
 * it with the controls (buttons and shortcuts) while seeing the correct answer and how the room and
 * the remote audience are answering.
 */
export function StaffQuiz({ quizLink }: { quizLink?: ReactNode }) {
  const { state } = useLive();
  const slot = state.stage.onStage.slot;
  const run = slot.kind === 'quiz' ? state.quizPlay.presenterRuns[slot.runId] : undefined;
  if (slot.kind === 'quiz' && run && run.phase.phase !== 'ended') return <RunningQuiz runId={slot.runId} phase={run.phase} />;
  return <RunQuiz quizLink={quizLink} />;
}

/** [UI64] The quizzes this session can run: its own first; without a live session, all of them. */
export function runnableQuizzes(quizzes: readonly StoredQuiz[], liveSessionId: string | null): StoredQuiz[] {
  const withQuestions = quizzes.filter((q) => q.questions.length > 0);
  if (!liveSessionId) return withQuestions;
  const own = withQuestions.filter((q) => q.sessionId === liveSessionId);
  return own.length > 0 ? own : withQuestions.filter((q) => q.sessionId === null);
}

function RunQuiz({ quizLink }: { quizLink?: ReactNode }) {
  const { state, send } = useLive();
  const [busy, setBusy] = useState(false);
  const list = runnableQuizzes(state.quizzes.quizzes, state.event.liveSessionId);
  async function open(q: StoredQuiz) {
    setBusy(true);
    await send('quiz:open', { quizId: q.id });
    setBusy(false);
  }
  return (
    <div className="staff-quiz" data-testid="staff-quiz-run">
      {list.length === 0 ? (
        <p className="empty" data-testid="staff-quiz-none">
          No quiz to run in this session yet. {quizLink ?? null}
        </p>
      ) : (
        <ul className="stack" aria-label="Quizzes">
          {list.map((q) => (
            <li key={q.id} className="row spread">
              <span>
                <strong>{q.title}</strong> <span className="muted small">{q.questions.length} {q.questions.length === 1 ? 'question' : 'questions'}</span>
              </span>
              <button type="button" className="btn btn-small btn-primary" disabled={busy} onClick={() => void open(q)} aria-label={`Run quiz “${q.title}”`} data-testid="staff-quiz-open">
                Run quiz
              </button>
            </li>
          ))}
        </ul>
      )}
      {list.length > 0 && quizLink ? <p className="small">{quizLink}</p> : null}
    </div>
  );
}

function RunningQuiz({ runId, phase: p }: { runId: string; phase: QuizPresenterPhase }) {
  const { send } = useLive();
  const [busy, setBusy] = useState<QuizControl | null>(null);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const allowed = ALLOWED[p.phase];

  async function control(action: QuizControl) {
    if (busy || !allowed.includes(action)) return;
    setBusy(action);
    await send('quiz:control', { runId, action });
    setBusy(null);
    setConfirmEnd(false);
  }

  // [UI65] One listener reading the latest phase through a ref; keys typed into fields are text.
  const latest = useRef({ control, phase: p.phase, setConfirmEnd });
  latest.current = { control, phase: p.phase, setConfirmEnd };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.repeat || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      const k = latest.current;
      let action: QuizControl | null = null;
      if ((e.key === 'ArrowRight' || e.key === 'PageDown') && !e.shiftKey) action = advanceFor(k.phase);
      else if (e.key === 'ArrowRight' && e.shiftKey) action = 'skip';
      else if (e.key.toLowerCase() === 'k' && !e.shiftKey) action = 'lockNow';
      else if (e.key === '+') action = 'addTime';
      else if (e.key === 'E' && e.shiftKey) {
        e.preventDefault();
        k.setConfirmEnd(true);
        return;
      }
      if (!action || !ALLOWED[k.phase].includes(action)) return;
      e.preventDefault();
      void k.control(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="staff-quiz" data-testid="staff-quiz" data-phase={p.phase}>
      <PresenterPhaseView phase={p} />
      <div className="quiz-controls" role="group" aria-label="Quiz controls">
        {(['start', 'next', 'lockNow', 'addTime', 'skip'] as const)
          .filter((a) => allowed.includes(a))
          .map((a) => (
            <button
              key={a}
              type="button"
              className={`btn btn-small ${a === advanceFor(p.phase) ? 'btn-primary' : ''}`}
              disabled={busy !== null}
              onClick={() => void control(a)}
              data-testid={`quiz-control-${a}`}
            >
              {LABEL[a]}
            </button>
          ))}
        {allowed.includes('end') && !confirmEnd ? (
          <button type="button" className="btn btn-small btn-danger" disabled={busy !== null} onClick={() => setConfirmEnd(true)} data-testid="quiz-control-end">
            End quiz
          </button>
        ) : null}
      </div>
      {confirmEnd ? (
        <div className="row" role="alert" data-testid="quiz-confirm-end">
          <span>{p.phase === 'lobby' || p.phase === 'podium' ? 'Close the quiz?' : 'End the quiz now and show the podium?'}</span>
          <button type="button" className="btn btn-small btn-danger" disabled={busy !== null} onClick={() => void control('end')} data-testid="quiz-confirm-end-yes">
            End it
          </button>
          <button type="button" className="btn btn-small" onClick={() => setConfirmEnd(false)}>
            Keep going
          </button>
        </div>
      ) : null}
      <p className="quiz-keys" data-testid="quiz-keys">
        Keys:{' '}
        {QUIZ_KEYS.map((k, i) => (
          <span key={k.keys}>
            {i > 0 ? ' · ' : ''}
            <kbd>{k.keys}</kbd> {k.what}
          </span>
        ))}
      </p>
    </div>
  );
}

/** [UI66] The phase as the presenter sees it: the answer key and the live distribution. */
function PresenterPhaseView({ phase: p }: { phase: QuizPresenterPhase }) {
  switch (p.phase) {
    case 'lobby':
      return (
        <p data-testid="staff-quiz-lobby">
          <strong>{p.title}</strong> is open: {p.joined.room} in the room and {p.joined.remote} remote have joined. {p.total} questions.
        </p>
      );
    case 'getReady':
      return (
        <p>
          Get ready: <QuestionNumber index={p.questionIndex} total={p.total} points={p.points} />
        </p>
      );
    case 'teamTalk':
    case 'answering':
    case 'locked':
    case 'reveal': {
      const reveal = p.phase === 'reveal' ? p.reveal : revealOf(p.fullQuestion);
      const distribution = 'distribution' in p ? p.distribution : undefined;
      return (
        <>
          <div className="stage-quiz-top">
            <QuestionNumber index={p.questionIndex} total={p.total} points={p.question.points} />
            <span className="quiz-phase-label" data-testid="staff-quiz-phase">
              {p.phase === 'teamTalk' ? 'Team talk' : p.phase === 'answering' ? 'Answering' : p.phase === 'locked' ? 'Locked' : 'Revealed'}
            </span>
            {p.phase === 'answering' ? <StaffTimer at={p.closesAt} /> : null}
          </div>
          <p>
            <strong>{p.fullQuestion.text}</strong>
          </p>
          <p className="small" data-testid="staff-quiz-answer">
            Answer: <strong>{correctText(p.question, reveal)}</strong>
          </p>
          {p.phase === 'answering' || p.phase === 'locked' ? (
            <p className="small" data-testid="staff-quiz-answered">
              {p.answered} of {p.present} answered
            </p>
          ) : null}
          {distribution ? (
            <>
              <OptionTiles question={p.question} reveal={reveal} distribution={distribution} testId="staff-quiz-options" />
              <RevealSummary question={p.question} reveal={reveal} distribution={distribution} />
            </>
          ) : (
            <OptionTiles question={p.question} reveal={reveal} testId="staff-quiz-options" />
          )}
        </>
      );
    }
    case 'standings':
      return (
        <>
          <p>
            Standings after question {p.questionIndex + 1} of {p.total}
          </p>
          <PlayerTable players={p.players} />
          <TeamStandings teams={p.teams} />
        </>
      );
    case 'podium':
      return (
        <>
          <p>Podium</p>
          <PlayerTable players={p.players} testId="staff-quiz-podium" />
          <TeamStandings teams={p.teams} />
        </>
      );
    case 'ended':
      return <p>The quiz has ended.</p>;
  }
}

function StaffTimer({ at }: { at: string }) {
  const s = secondsLeft(useUntil(at));
  return s === null ? null : (
    <span className="quiz-timer" role="timer" aria-live="off">
      {s} s
    </span>
  );
}
