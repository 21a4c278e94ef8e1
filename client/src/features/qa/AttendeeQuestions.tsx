import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { QA_LIMITS, type QuestionSort, type QuestionView } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { sortedAgenda } from '../../lib/agenda';
import { votesOf } from '../../lib/qaState';
import { sentence } from '../../lib/text';
import { askErrorMessage, excerpt, questionList, SORT_LABEL, sessionFilterFrom, sessionFilterValue, textProblem, votesText, type SessionFilter } from './model';
import { authorOf, CharCounter, OriginBadge, QuestionTextBlock, QuestionTime, ReplyBlock, useQaCommand, VoteCountStatic } from './QuestionBits';
import './qa.css';

const FOLLOW_LIVE = 'live';

/**
 * The attendee's Q&A: ask in the live session ([QA1]–[QA3]), see one's own questions while they
 * wait for a moderator ([QA7]), upvote approved questions with live counts ([QA9] [QA10]), sorted by
 * votes or time ([QA11]), and read the moderators' written answers ([QA16]).
 */
export function AttendeeQuestions() {
  const { state } = useLive();
  const { event, qa } = state;
  const [sort, setSort] = useState<QuestionSort>('popular');
  const [sessionChoice, setSessionChoice] = useState<string>(FOLLOW_LIVE);
  const sortId = useId();
  const sessionId = useId();
  const agenda = sortedAgenda(event);
  const live = agenda.find((s) => s.id === event.liveSessionId) ?? null;

  // Following the live session shows everything when no session is live.
  const session: SessionFilter =
    sessionChoice === FOLLOW_LIVE ? (live ? { kind: 'session', sessionId: live.id } : { kind: 'all' }) : sessionFilterFrom(sessionChoice);

  const waiting = questionList(qa, { states: ['pending', 'dismissed'], mine: true, session: { kind: 'all' }, sort: 'recent' });
  const open = questionList(qa, { states: ['approved'], session, sort });
  const answered = questionList(qa, { states: ['answered'], session, sort });

  return (
    <section className="card qa-card" aria-labelledby="qa-heading" data-testid="attendee-qa">
      <h2 id="qa-heading">Questions</h2>
      <AskForm liveTitle={live?.title ?? null} />

      {waiting.length > 0 ? (
        <section aria-labelledby="qa-mine-heading" className="qa-mine">
          <h3 id="qa-mine-heading">Your questions in review</h3>
          <ul className="qa-list" data-testid="my-waiting-questions">
            {waiting.map((q) => (
              <AttendeeQuestion key={q.id} q={q} />
            ))}
          </ul>
        </section>
      ) : null}

      <div className="qa-toolbar">
        <div className="field">
          <label htmlFor={sessionId}>Session</label>
          <select id={sessionId} value={sessionChoice} onChange={(e) => setSessionChoice(e.target.value)} data-testid="qa-session-filter">
            <option value={FOLLOW_LIVE}>{live ? 'Live session' : 'Live session (none: all)'}</option>
            <option value={sessionFilterValue({ kind: 'all' })}>All sessions</option>
            {agenda.map((s) => (
              <option key={s.id} value={s.id}>
                {s.title}
              </option>
            ))}
            <option value={sessionFilterValue({ kind: 'session', sessionId: null })}>Outside the agenda</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={sortId}>Sort questions</label>
          <select id={sortId} value={sort} onChange={(e) => setSort(e.target.value as QuestionSort)} data-testid="qa-sort">
            {(Object.keys(SORT_LABEL) as QuestionSort[]).map((k) => (
              <option key={k} value={k}>
                {SORT_LABEL[k]}
              </option>
            ))}
          </select>
        </div>
      </div>

      {open.length === 0 ? (
        <p className="empty" data-testid="qa-empty">
          No questions here yet. Ask the first one!
        </p>
      ) : (
        <ul className="qa-list" aria-label="Questions from the audience" data-testid="qa-list">
          {open.map((q) => (
            <AttendeeQuestion key={q.id} q={q} />
          ))}
        </ul>
      )}

      {answered.length > 0 ? (
        <details className="qa-answered" data-testid="qa-answered">
          <summary>Answered ({answered.length})</summary>
          <ul className="qa-list">
            {answered.map((q) => (
              <AttendeeQuestion key={q.id} q={q} />
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}

function AskForm({ liveTitle }: { liveTitle: string | null }) {
  const { state } = useLive();
  const { event, me, qa } = state;
  const allowAnonymous = event.settings.allowAnonymousQuestions;
  const [text, setText] = useState('');
  const [anonymous, setAnonymous] = useState(false);
  const [error, setError] = useState('');
  // [UI35] The question just asked, by id: its status line follows it as moderators act.
  const [asked, setAsked] = useState<{ id: string; reviewed: boolean } | null>(null);
  const [touched, setTouched] = useState(false);
  const { busy, run } = useQaCommand();
  const textId = useId();
  const counterId = useId();
  const hintId = useId();
  const errorId = useId();
  const anonId = useId();

  if (me.role !== 'attendee') return null;
  if (qa.askingBanned) {
    return (
      <div className="notice notice-warn" role="status" data-testid="ask-banned">
        <strong className="notice-title">You can no longer ask questions in this event</strong>
        <div>A moderator has stopped you from asking. You can still read and upvote questions.</div>
      </div>
    );
  }

  const problem = textProblem(text, QA_LIMITS.text);
  const over = problem !== null && text.trim() !== '';

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    setAsked(null);
    if (problem) {
      setError(problem);
      return;
    }
    setError('');
    const ack = await run('ask', 'question:submit', { text, anonymous: allowAnonymous && anonymous, sessionId: event.liveSessionId }, { quiet: true });
    if (!ack) return;
    if (!ack.ok) {
      setError(askErrorMessage(ack.error, sentence));
      return;
    }
    setText('');
    setTouched(false);
    // Under post-moderation it is visible at once: nobody "approved" it.
    setAsked({ id: ack.data.id, reviewed: ack.data.state === 'pending' });
  }
  const askedNow = asked ? qa.byId[asked.id] : undefined;
  const status = !askedNow ? '' : askedNow.state === 'approved' && !asked?.reviewed ? 'Thanks! Your question is now visible to everyone.' : ASKED_STATUS[askedNow.state];

  // Ctrl/Cmd+Enter sends from the text area.
  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      e.currentTarget.form?.requestSubmit();
    }
  }

  const shownError = error || (touched && over ? problem : '');

  return (
    <form className="qa-ask stack" onSubmit={submit} noValidate data-testid="ask-form">
      <div className="field">
        <div className="row spread">
          <label htmlFor={textId}>Your question</label>
          <CharCounter id={counterId} text={text} limit={QA_LIMITS.text} />
        </div>
        <textarea
          id={textId}
          className="qa-textarea"
          rows={3}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setError('');
            setAsked(null);
          }}
          onKeyDown={onKeyDown}
          aria-describedby={`${hintId} ${counterId}${shownError ? ` ${errorId}` : ''}`}
          aria-invalid={shownError ? true : undefined}
          placeholder="What would you like to ask?"
          data-testid="ask-text"
        />
        <p id={hintId} className="muted small qa-hint">
          {liveTitle ? (
            <>
              Asking in <strong>{liveTitle}</strong>.{' '}
            </>
          ) : (
            'No session is live: your question goes to the event. '
          )}
          Up to {QA_LIMITS.text} characters.
        </p>
      </div>
      {allowAnonymous ? (
        <div className="qa-check">
          <input id={anonId} type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.target.checked)} data-testid="ask-anonymous" />
          <label htmlFor={anonId}>
            Ask anonymously
            <span className="muted small qa-check-hint">
              {anonymous ? 'Nobody sees your name, moderators included.' : `Shown as ${me.name}.`}
            </span>
          </label>
        </div>
      ) : (
        <p className="muted small" data-testid="ask-named-note">
          Your name ({me.name}) is shown with your question.
        </p>
      )}
      {shownError ? (
        <p id={errorId} className="field-error" role="alert" data-testid="ask-error">
          {shownError}
        </p>
      ) : null}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={busy !== null || over} aria-busy={busy !== null} data-testid="ask-submit">
          {busy ? 'Sending…' : 'Send question'}
        </button>
        <span role="status" className="muted small" data-testid="ask-status">
          {status}
        </span>
      </div>
    </form>
  );
}

/** [UI35] The line under the ask form about the question just asked, as it is now. */
const ASKED_STATUS: Record<QuestionView['state'], string> = {
  pending: 'Thanks! Your question is waiting for approval by the moderators.',
  approved: 'Your question was approved and is now visible to everyone.',
  answered: 'Your question was answered. Thank you for asking!',
  dismissed: 'The moderators did not accept your question.',
};

/** [UI32] The audience question on stage, in "Live now": the same item as in the list, upvote included. */
export function OnStageQuestion({ questionId }: { questionId: string }) {
  const { state } = useLive();
  const q = state.qa.byId[questionId];
  if (!q) return null;
  return (
    <ul className="qa-list qa-on-stage" aria-label="Question on stage">
      {/* Its own test id: the same question is also in the list below. */}
      <AttendeeQuestion q={q} testId="on-stage-question" />
    </ul>
  );
}

function AttendeeQuestion({ q, testId = 'question' }: { q: QuestionView; testId?: string }) {
  const { state } = useLive();
  const { qa } = state;
  const votes = votesOf(qa, q);
  const onStage = qa.highlightedId === q.id;
  return (
    <li className={`qa-item ${onStage ? 'is-on-stage' : ''}`} data-testid={testId} data-question-id={q.id} data-state={q.state}>
      <div className="qa-vote">
        {q.state === 'approved' && state.me.role === 'attendee' ? (
          <UpvoteButton q={q} votes={votes} />
        ) : q.state === 'approved' || q.state === 'answered' ? (
          <VoteCountStatic votes={votes} />
        ) : null}
      </div>
      <div className="qa-body">
        <QuestionTextBlock q={q} />
        <div className="qa-meta">
          <span className="qa-author" data-testid="question-author">
            {authorOf(q)}
          </span>
          <OriginBadge origin={q.origin} />
          <QuestionTime iso={q.createdAt} />
          {q.mine ? <span className="badge badge-mine">Yours</span> : null}
          {q.state === 'pending' ? (
            <span className="badge badge-waiting" data-testid="waiting-badge">
              Waiting for approval
            </span>
          ) : null}
          {q.state === 'dismissed' ? (
            <span className="badge badge-dismissed" data-testid="dismissed-badge">
              Not accepted by the moderators
            </span>
          ) : null}
          {q.edited ? <span className="muted small">Edited by a moderator</span> : null}
          {onStage ? <span className="badge badge-stage">On stage</span> : null}
        </div>
        <ReplyBlock reply={q.reply} />
      </div>
    </li>
  );
}

function UpvoteButton({ q, votes }: { q: QuestionView; votes: number }) {
  const { state } = useLive();
  const { busy, run } = useQaCommand();
  const upvoted = !!state.qa.myUpvotes[q.id];
  return (
    <button
      type="button"
      className="qa-upvote"
      aria-pressed={upvoted}
      aria-label={`Upvote “${excerpt(q.text)}”, ${votesText(votes)}`}
      disabled={busy !== null}
      onClick={() => void run('upvote', 'question:upvote', { questionId: q.id, up: !upvoted })}
      data-testid="upvote"
    >
      <span aria-hidden="true" className="qa-upvote-arrow">
        ▲
      </span>
      <span data-testid="vote-count">{votes}</span>
    </button>
  );
}
