import { createElement, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { AgendaSession, QuizImportError, StoredQuiz } from '@rally/shared';
import { DownloadFile } from '../../components/DownloadButton';
import { timeRange } from '../../lib/agenda';
import { sentence } from '../../lib/text';
import { useToasts } from '../../lib/toasts';
import { quizUrl, useQuizAccess } from './access';
import { KIND_LABEL } from './model';
import { QuizEditor } from './QuizEditor';
import { QuizReinforcementPanel } from './QuizReinforcement';
import './quiz.css';

type Level = 2 | 3;

/** A heading at the level the page needs: the console's section is an h2, an organiser's event card holds an h3. */
function Heading({ level, id, children }: { level: number; id: string; children: ReactNode }) {
  return createElement(`h${Math.min(level, 6)}`, { id }, children);
}

/**
 * [QUIZ18] [UI72] Quiz authoring, the same on the moderator console and the organiser page (each
 * gives its QuizAccess): the event's quizzes by agenda session, each to edit, duplicate, delete and
 * export; a new quiz per session; an import from a CSV or JSON file with every line-numbered error
 * shown; the CSV template; and per quiz its reinforcement run and results.
 */
export function QuizAuthoring({ level = 2, title = 'Quiz', note, testId, className = '' }: { level?: Level; title?: string; note: ReactNode; testId: string; className?: string }) {
  const { agenda, quizzes } = useQuizAccess();
  const headingId = useId();
  const outside = quizzes.filter((q) => q.sessionId === null || !agenda.some((s) => s.id === q.sessionId));
  return (
    <section className={`quiz-section stack ${className}`.trim()} aria-labelledby={headingId} data-testid={testId}>
      <div className="row spread">
        <Heading level={level} id={headingId}>
          {title}
        </Heading>
        <a className="btn btn-small" href="/api/quiz-template.csv" download="rally-quiz-template.csv" data-testid="quiz-template">
          Download the CSV template
        </a>
      </div>
      <p className="muted small">{note}</p>
      <QuizImport level={level} agenda={agenda} />
      {agenda.map((s) => (
        <SessionQuizzes key={s.id} level={level} session={s} quizzes={quizzes.filter((q) => q.sessionId === s.id)} />
      ))}
      {agenda.length === 0 || outside.length > 0 ? <SessionQuizzes level={level} session={null} quizzes={outside} /> : null}
    </section>
  );
}

function SessionQuizzes({ level, session, quizzes }: { level: Level; session: AgendaSession | null; quizzes: StoredQuiz[] }) {
  const [adding, setAdding] = useState(false);
  const headingId = useId();
  const title = session ? session.title : 'Outside the agenda';
  return (
    <section className="quiz-session" aria-labelledby={headingId} data-testid="quiz-session" data-session-id={session?.id ?? ''}>
      <div className="row spread">
        <Heading level={level + 1} id={headingId}>
          {title}
          {session ? <span className="muted small session-time"> {timeRange(session)}</span> : null}
        </Heading>
        <button type="button" className="btn btn-small" aria-expanded={adding} onClick={() => setAdding((a) => !a)} aria-label={`New quiz in “${title}”`} data-testid="quiz-new">
          {adding ? 'Close the form' : 'New quiz'}
        </button>
      </div>
      {adding ? (
        <div className="editor-box">
          <QuizEditor sessionId={session?.id ?? null} onDone={() => setAdding(false)} onCancel={() => setAdding(false)} />
        </div>
      ) : null}
      {quizzes.length === 0 ? <p className="empty">No quizzes for this session yet.</p> : null}
      <ul className="quiz-list">
        {quizzes.map((q) => (
          <QuizRow key={q.id} quiz={q} />
        ))}
      </ul>
    </section>
  );
}

const kindsOf = (quiz: StoredQuiz) => [...new Set(quiz.questions.map((q) => KIND_LABEL[q.kind]))].join(', ');

function QuizRow({ quiz }: { quiz: StoredQuiz }) {
  const access = useQuizAccess();
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
          <button type="button" className="btn btn-small btn-quiet" onClick={() => void access.duplicate(quiz.id)} aria-label={`Duplicate “${quiz.title}”`} data-testid="quiz-duplicate">
            Duplicate
          </button>
          {confirming ? (
            <>
              <button type="button" className="btn btn-small btn-danger" onClick={() => void access.remove(quiz.id)} data-testid="quiz-delete-confirm">
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
        <DownloadFile url={quizUrl(access, `${encodeURIComponent(quiz.id)}/export.csv`)} token={access.token} signedOut={access.signedOut} label="Export CSV" fallbackName="quiz.csv" what={`“${quiz.title}”`} testId="quiz-export-csv" statusTestId="quiz-export-csv-status" />
        <DownloadFile url={quizUrl(access, `${encodeURIComponent(quiz.id)}/export.json`)} token={access.token} signedOut={access.signedOut} label="Export JSON" fallbackName="quiz.json" what={`“${quiz.title}”`} testId="quiz-export-json" statusTestId="quiz-export-json-status" />
      </div>
      <QuizReinforcementPanel quiz={quiz} />
      {editing ? (
        <div className="editor-box">
          <QuizEditor quiz={quiz} sessionId={quiz.sessionId} onDone={() => setEditing(false)} onCancel={() => setEditing(false)} />
        </div>
      ) : null}
    </li>
  );
}

/** [QUIZ15] A new quiz from a file; a refused file lists every error with its line. */
function QuizImport({ level, agenda }: { level: Level; agenda: AgendaSession[] }) {
  const access = useQuizAccess();
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
    const token = access.token();
    if (!token) return setFailure(sentence(access.signedOut));
    const isJson = /\.json$/i.test(file.name) || file.type === 'application/json';
    const params = new URLSearchParams();
    if (sessionId) params.set('sessionId', sessionId);
    params.set('title', title.trim() || file.name.replace(/\.(csv|json)$/i, ''));
    setBusy(true);
    try {
      const res = await fetch(`${quizUrl(access, 'import')}?${params}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': isJson ? 'application/json' : 'text/csv' },
        body: await file.text(),
      });
      const body = (await res.json().catch(() => null)) as { title?: string; errors?: QuizImportError[]; error?: { message?: string } } | null;
      if (res.ok) {
        setDone(`Imported “${body?.title ?? file.name}”.`);
        access.changed();
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
      <Heading level={level + 1} id={`${uid}-h`}>
        Import a quiz from a file
      </Heading>
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
