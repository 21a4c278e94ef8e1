import { useId, useRef, useState, type FormEvent } from 'react';
import type { AgendaSession, QuizImportError, StoredQuiz } from '@rally/shared';
import { DownloadButton } from '../../components/DownloadButton';
import { useLive } from '../../components/EventGate';
import { sortedAgenda, timeRange } from '../../lib/agenda';
import { sentence } from '../../lib/text';
import { loadToken } from '../../lib/tokens';
import { useToasts } from '../../lib/toasts';
import { KIND_LABEL } from './model';
import { QuizEditor } from './QuizEditor';
import { QuizReinforcementPanel } from './QuizReinforcement';
import './quiz.css';

/**
 * [QUIZ18] The console's Quiz section: the event's quizzes by agenda session, each to edit,
 * duplicate, delete and export; a new quiz per session; an import from a CSV or JSON file with
 * every line-numbered error shown; and the CSV template.
 */
export function ModeratorQuiz({ code }: { code: string }) {
  const { state } = useLive();
  const agenda = sortedAgenda(state.event);
  const quizzes = state.quizzes.quizzes;
  const outside = quizzes.filter((q) => q.sessionId === null || !agenda.some((s) => s.id === q.sessionId));
  return (
    <section className="card quiz-section stack" aria-labelledby="mod-quiz-heading" data-testid="moderator-quiz">
      <div className="row spread">
        <h2 id="mod-quiz-heading">Quiz</h2>
        <a className="btn btn-small" href="/api/quiz-template.csv" download="rally-quiz-template.csv" data-testid="quiz-template">
          Download the CSV template
        </a>
      </div>
      <p className="muted small">Quizzes hold the correct answers: only moderators, organisers and presenters see them here. Live play comes with a later release.</p>
      <QuizImport code={code} agenda={agenda} />
      {agenda.map((s) => (
        <SessionQuizzes key={s.id} code={code} session={s} quizzes={quizzes.filter((q) => q.sessionId === s.id)} />
      ))}
      {agenda.length === 0 || outside.length > 0 ? <SessionQuizzes code={code} session={null} quizzes={outside} /> : null}
    </section>
  );
}

function SessionQuizzes({ code, session, quizzes }: { code: string; session: AgendaSession | null; quizzes: StoredQuiz[] }) {
  const [adding, setAdding] = useState(false);
  const headingId = useId();
  const title = session ? session.title : 'Outside the agenda';
  return (
    <section className="quiz-session" aria-labelledby={headingId} data-testid="quiz-session" data-session-id={session?.id ?? ''}>
      <div className="row spread">
        <h3 id={headingId}>
          {title}
          {session ? <span className="muted small session-time"> {timeRange(session)}</span> : null}
        </h3>
        <button type="button" className="btn btn-small" aria-expanded={adding} onClick={() => setAdding((a) => !a)} aria-label={`New quiz in “${title}”`} data-testid="quiz-new">
          {adding ? 'Close the form' : 'New quiz'}
        </button>
      </div>
      {adding ? (
        <div className="editor-box">
          <QuizEditor code={code} sessionId={session?.id ?? null} onDone={() => setAdding(false)} onCancel={() => setAdding(false)} />
        </div>
      ) : null}
      {quizzes.length === 0 ? <p className="empty">No quizzes for this session yet.</p> : null}
      <ul className="quiz-list">
        {quizzes.map((q) => (
          <QuizRow key={q.id} code={code} quiz={q} />
        ))}
      </ul>
    </section>
  );
}

const kindsOf = (quiz: StoredQuiz) => [...new Set(quiz.questions.map((q) => KIND_LABEL[q.kind]))].join(', ');

function QuizRow({ code, quiz }: { code: string; quiz: StoredQuiz }) {
  const { send } = useLive();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const n = quiz.questions.length;
  return (
    <li className="quiz-row" data-testid="quiz-row" data-quiz-id={quiz.id}>
      <div className="row spread">
        <div>
          <strong className="quiz-row-title" data-testid="quiz-row-title">
            {quiz.title}
          </strong>
          <div className="muted small" data-testid="quiz-row-summary">
            {n === 1 ? '1 question' : `${n} questions`}
            {n > 0 ? ` · ${kindsOf(quiz)}` : ''}
          </div>
        </div>
        <div className="row">
          <button type="button" className="btn btn-small" aria-expanded={editing} onClick={() => setEditing((e) => !e)} aria-label={`${editing ? 'Close' : 'Edit'} “${quiz.title}”`} data-testid="quiz-edit">
            {editing ? 'Close' : 'Edit'}
          </button>
          <button type="button" className="btn btn-small btn-quiet" onClick={() => void send('quiz:duplicate', { quizId: quiz.id })} aria-label={`Duplicate “${quiz.title}”`} data-testid="quiz-duplicate">
            Duplicate
          </button>
          {confirming ? (
            <>
              <button type="button" className="btn btn-small btn-danger" onClick={() => void send('quiz:delete', { quizId: quiz.id })} data-testid="quiz-delete-confirm">
                Delete “{quiz.title}”
              </button>
              <button type="button" className="btn btn-small btn-quiet" onClick={() => setConfirming(false)}>
                Keep it
              </button>
            </>
          ) : (
            <button type="button" className="btn btn-small btn-quiet" onClick={() => setConfirming(true)} aria-label={`Delete “${quiz.title}”`} data-testid="quiz-delete">
              Delete
            </button>
          )}
        </div>
      </div>
      <div className="row quiz-exports">
        <DownloadButton code={code} path={`quizzes/${quiz.id}/export.csv`} label="Export CSV" fallbackName="quiz.csv" what={`“${quiz.title}”`} testId="quiz-export-csv" statusTestId="quiz-export-csv-status" />
        <DownloadButton code={code} path={`quizzes/${quiz.id}/export.json`} label="Export JSON" fallbackName="quiz.json" what={`“${quiz.title}”`} testId="quiz-export-json" statusTestId="quiz-export-json-status" />
      </div>
      <QuizReinforcementPanel code={code} quiz={quiz} />
      {editing ? (
        <div className="editor-box">
          <QuizEditor code={code} quiz={quiz} sessionId={quiz.sessionId} onDone={() => setEditing(false)} onCancel={() => setEditing(false)} />
        </div>
      ) : null}
    </li>
  );
}

/** [QUIZ15] A new quiz from a file; a refused file lists every error with its line. */
function QuizImport({ code, agenda }: { code: string; agenda: AgendaSession[] }) {
  const { state } = useLive();
  const toasts = useToasts();
  const uid = useId();
  const fileRef = useRef<HTMLInputElement>(null);
  const [sessionId, setSessionId] = useState(agenda[0]?.id ?? '');
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<QuizImportError[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState('');

  async function submit(e: FormEvent) {
    e.preventDefault();
    setErrors(null);
    setFailure(null);
    setDone('');
    const file = fileRef.current?.files?.[0];
    if (!file) return setFailure('Choose a CSV or JSON file first.');
    const token = loadToken(code, 'moderator');
    if (!token) return setFailure('Your moderator session is not stored in this browser; open the moderator link again to import.');
    const isJson = /\.json$/i.test(file.name) || file.type === 'application/json';
    const params = new URLSearchParams();
    if (sessionId) params.set('sessionId', sessionId);
    params.set('title', title.trim() || file.name.replace(/\.(csv|json)$/i, ''));
    setBusy(true);
    try {
      const res = await fetch(`/api/events/${encodeURIComponent(state.event.id)}/quizzes/import?${params}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': isJson ? 'application/json' : 'text/csv' },
        body: await file.text(),
      });
      const body = (await res.json().catch(() => null)) as { title?: string; errors?: QuizImportError[]; error?: { message?: string } } | null;
      if (res.ok) {
        setDone(`Imported “${body?.title ?? file.name}”.`);
        if (fileRef.current) fileRef.current.value = '';
        setTitle('');
      } else if (body?.errors?.length) setErrors(body.errors);
      else setFailure(sentence(body?.error?.message ?? `Rally answered ${res.status}`));
    } catch {
      toasts.error("Can't reach Rally to import the file. Check your connection and try again");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="quiz-import editor-box stack" onSubmit={submit} aria-labelledby={`${uid}-h`} data-testid="quiz-import">
      <h3 id={`${uid}-h`}>Import a quiz from a file</h3>
      <div className="quiz-grid">
        <div className="field">
          <label htmlFor={`${uid}-file`}>CSV or JSON file</label>
          <input ref={fileRef} id={`${uid}-file`} type="file" accept=".csv,.json,text/csv,application/json" data-testid="quiz-import-file" />
        </div>
        <div className="field">
          <label htmlFor={`${uid}-session`}>Session</label>
          <select id={`${uid}-session`} value={sessionId} onChange={(e) => setSessionId(e.target.value)} data-testid="quiz-import-session">
            {agenda.map((s) => (
              <option key={s.id} value={s.id}>
                {s.title}
              </option>
            ))}
            <option value="">Outside the agenda</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${uid}-title`}>Title for a CSV file (optional)</label>
          <input id={`${uid}-title`} type="text" value={title} onChange={(e) => setTitle(e.target.value)} placeholder="The file's name" data-testid="quiz-import-title" />
        </div>
      </div>
      <div className="row">
        <button type="submit" className="btn" disabled={busy} aria-busy={busy} data-testid="quiz-import-submit">
          {busy ? 'Importing…' : 'Import'}
        </button>
        <span className="muted small" role="status" data-testid="quiz-import-status">
          {done}
        </span>
      </div>
      {failure ? (
        <p className="field-error" role="alert">
          {failure}
        </p>
      ) : null}
      {errors ? (
        <div role="alert" className="quiz-import-errors" data-testid="quiz-import-errors">
          <p className="field-error">Nothing was imported. Fix {errors.length === 1 ? 'this line' : 'these lines'} in the file and try again:</p>
          <ul>
            {errors.map((e, i) => (
              <li key={i} data-testid="quiz-import-error">
                Line {e.line}: {sentence(e.message)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </form>
  );
}
