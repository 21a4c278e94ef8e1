import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ErrorCode, QUIZ_LIMITS, QuizDraft, type QuizQuestionKind, type QuizTeamMode, type StoredQuiz } from '@rally/shared';
import { sentence } from '../../lib/text';
import { useQuizAccess } from './access';
import { saveQuiz } from './api';
import { blankQuestion, draftOf, duplicateAt, formOf, KIND_LABEL, KINDS, labelLimits, move, TEAM_MODE_LABEL, withKind, type QuestionForm, type QuizForm } from './model';
import './quiz.css';

type Errors = Partial<Record<string, string>>;

/** Schema messages as sentences; numbers typed as text get one plain sentence. */
function friendly(key: string, message: string): string {
  if (key.endsWith('.timeLimitSec') && !/time limit/.test(message)) return `The time limit is a whole number of seconds from ${QUIZ_LIMITS.minTimeLimitSec} to ${QUIZ_LIMITS.maxTimeLimitSec}.`;
  if (key === 'settings.teamTalkSec') return `Team talk is a whole number of seconds from 0 to ${QUIZ_LIMITS.teamTalkMaxSec}.`;
  if (/\.(min|max|correct|tolerance)$/.test(key) && /expected number/i.test(message)) return 'Enter a number.';
  if (/\.correct$/.test(key) && /too small/i.test(message)) return 'Tick at least one correct option.';
  return sentence(message);
}

/** The schema's verdict on the form, by field path (empty: it would be accepted). */
function validate(f: QuizForm): { errors: Errors; draft: QuizDraft | null } {
  const parsed = QuizDraft.safeParse(draftOf(f));
  if (parsed.success) return { errors: {}, draft: parsed.data };
  const errors: Errors = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.length === 0 ? 'form' : issue.path.map(String).join('.');
    errors[key] ??= friendly(key, issue.message);
  }
  return { errors, draft: null };
}

/**
 * [QUIZ18] Create or edit a quiz: title, settings and questions of every kind, reordered,
 * duplicated and deleted in place, checked with the shared schema before sending and saved as one
 * replacement naming the version it started from, so another editor's change is never overwritten.
 */
export function QuizEditor({ quiz, sessionId, onDone, onCancel }: { quiz?: StoredQuiz; sessionId: string | null; onDone: (q: StoredQuiz) => void; onCancel: () => void }) {
  const access = useQuizAccess();
  const [f, setF] = useState<QuizForm>(() => formOf(quiz));
  const [version, setVersion] = useState(quiz?.version ?? 0);
  const [errors, setErrors] = useState<Errors>({});
  const [serverError, setServerError] = useState<{ message: string; conflict: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  // After a refused save the errors follow the fields as they are fixed, not only at the next save.
  const [tried, setTried] = useState(false);
  useEffect(() => {
    if (tried) setErrors(validate(f).errors);
  }, [f, tried]);
  const formRef = useRef<HTMLFormElement>(null);
  const uid = useId();
  const id = (name: string) => `${uid}-${name}`;
  const latest = quiz ? access.quizzes.find((q) => q.id === quiz.id) : undefined;

  const set = <K extends keyof QuizForm>(key: K, value: QuizForm[K]) => setF((x) => ({ ...x, [key]: value }));
  const setQ = (i: number, patch: Partial<QuestionForm>) => setF((x) => ({ ...x, questions: x.questions.map((q, j) => (j === i ? { ...q, ...patch } : q)) }));
  const setQuestions = (questions: QuestionForm[]) => setF((x) => ({ ...x, questions }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setServerError(null);
    const verdict = validate(f);
    if (!verdict.draft) {
      setTried(true);
      setErrors(verdict.errors);
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], [data-error-anchor]')?.focus());
      return;
    }
    setErrors({});
    setBusy(true);
    const draft = verdict.draft;
    const ack = await saveQuiz(access, quiz ? { quizId: quiz.id, version } : { sessionId }, draft);
    setBusy(false);
    if (!ack.ok) {
      const conflict = ack.error.code === ErrorCode.CONFLICT;
      // The other editor's version, for "Load the latest version" (the console has it already).
      if (conflict) access.changed();
      setServerError({ conflict, message: conflict ? 'Someone else changed this quiz while you were editing. Load their version to continue; your changes here are not saved.' : sentence(ack.error.message) });
      return;
    }
    setVersion(ack.data.version);
    access.changed();
    onDone(ack.data);
  }

  function loadLatest() {
    if (!latest) return;
    setF(formOf(latest));
    setVersion(latest.version);
    setServerError(null);
    setErrors({});
  }

  const err = (key: string) => errors[key];
  const errProps = (key: string) => ({ 'aria-invalid': err(key) ? true : undefined, 'aria-describedby': err(key) ? id(`${key}-err`) : undefined });
  const errorText = (k: string) =>
    err(k) ? (
      <p id={id(`${k}-err`)} className="field-error">
        {err(k)}
      </p>
    ) : null;
  const errorCount = Object.keys(errors).length;

  return (
    <form ref={formRef} className="quiz-editor stack" onSubmit={submit} noValidate data-testid="quiz-editor" aria-label={quiz ? `Edit “${quiz.title}”` : 'New quiz'}>
      <div className="field">
        <label htmlFor={id('title')}>Quiz title</label>
        <input id={id('title')} type="text" value={f.title} onChange={(e) => set('title', e.target.value)} {...errProps('title')} data-testid="quiz-title-input" />
        {errorText('title')}
      </div>

      <fieldset className="quiz-settings stack">
        <legend>Settings</legend>
        <label className="check">
          <input type="checkbox" checked={f.questionOnDevices} onChange={(e) => set('questionOnDevices', e.target.checked)} data-testid="quiz-question-on-devices" />
          Show the question on phones and laptops (off: only on the stage screen and the stream)
        </label>
        <div className="quiz-settings-row">
          <div className="field">
            <label htmlFor={id('team')}>Teams</label>
            <select id={id('team')} value={f.teamMode} onChange={(e) => set('teamMode', e.target.value as QuizTeamMode)} data-testid="quiz-team-mode">
              {(Object.keys(TEAM_MODE_LABEL) as QuizTeamMode[]).map((m) => (
                <option key={m} value={m}>
                  {TEAM_MODE_LABEL[m]}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={id('talk')}>Team talk (seconds)</label>
            <input id={id('talk')} type="number" inputMode="numeric" min={0} max={QUIZ_LIMITS.teamTalkMaxSec} value={f.teamTalkSec} onChange={(e) => set('teamTalkSec', e.target.value)} {...errProps('settings.teamTalkSec')} data-testid="quiz-team-talk" />
            {errorText('settings.teamTalkSec')}
          </div>
        </div>
      </fieldset>

      <h4 className="quiz-questions-heading">
        Questions <span className="muted small">({f.questions.length} of at most {QUIZ_LIMITS.questions})</span>
      </h4>
      {f.questions.length === 0 ? <p className="empty">No questions yet.</p> : null}
      <ol className="quiz-question-list">
        {f.questions.map((q, i) => (
          <li key={q.key} className="quiz-question" data-testid="quiz-question" data-kind={q.kind}>
            <QuestionFields q={q} i={i} count={f.questions.length} set={(patch) => setQ(i, patch)} id={id} errProps={errProps} errorText={errorText} />
            <div className="row quiz-question-actions">
              <button type="button" className="btn btn-small btn-quiet" onClick={() => setQuestions(move(f.questions, i, -1))} disabled={i === 0} aria-label={`Move question ${i + 1} up`} data-testid="quiz-q-up">
                Move up
              </button>
              <button type="button" className="btn btn-small btn-quiet" onClick={() => setQuestions(move(f.questions, i, 1))} disabled={i === f.questions.length - 1} aria-label={`Move question ${i + 1} down`} data-testid="quiz-q-down">
                Move down
              </button>
              <button type="button" className="btn btn-small btn-quiet" onClick={() => setQuestions(duplicateAt(f.questions, i))} disabled={f.questions.length >= QUIZ_LIMITS.questions} aria-label={`Duplicate question ${i + 1}`} data-testid="quiz-q-duplicate">
                Duplicate
              </button>
              <button type="button" className="btn btn-small btn-quiet" onClick={() => setQuestions(f.questions.filter((_, j) => j !== i))} aria-label={`Delete question ${i + 1}`} data-testid="quiz-q-delete">
                Delete
              </button>
            </div>
          </li>
        ))}
      </ol>
      <div className="row">
        <label htmlFor={id('newkind')} className="visually-hidden">
          Kind of the new question
        </label>
        <AddQuestion idFor={id('newkind')} disabled={f.questions.length >= QUIZ_LIMITS.questions} onAdd={(kind) => setQuestions([...f.questions, blankQuestion(kind)])} />
      </div>
      {errorText('questions')}

      {errorCount > 0 ? (
        <p className="field-error" role="alert" data-testid="quiz-form-errors" tabIndex={-1} data-error-anchor>
          {errorCount === 1 ? 'One field needs fixing' : `${errorCount} fields need fixing`} before the quiz can be saved.
        </p>
      ) : null}
      {serverError ? (
        <div className="quiz-server-error" role="alert" data-testid="quiz-server-error">
          <p className="field-error">{serverError.message}</p>
          {serverError.conflict && latest ? (
            <button type="button" className="btn btn-small" onClick={loadLatest} data-testid="quiz-load-latest">
              Load the latest version
            </button>
          ) : null}
        </div>
      ) : null}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="quiz-save">
          {busy ? 'Saving…' : quiz ? 'Save quiz' : 'Create quiz'}
        </button>
        <button type="button" className="btn btn-quiet" onClick={onCancel} disabled={busy} data-testid="quiz-cancel">
          {quiz ? 'Close' : 'Cancel'}
        </button>
      </div>
    </form>
  );
}

function AddQuestion({ idFor, disabled, onAdd }: { idFor: string; disabled: boolean; onAdd: (k: QuizQuestionKind) => void }) {
  const [kind, setKind] = useState<QuizQuestionKind>('choice');
  return (
    <>
      <select id={idFor} className="quiz-add-kind" value={kind} onChange={(e) => setKind(e.target.value as QuizQuestionKind)} data-testid="quiz-add-kind">
        {KINDS.map((k) => (
          <option key={k} value={k}>
            {KIND_LABEL[k]}
          </option>
        ))}
      </select>
      <button type="button" className="btn btn-small" onClick={() => onAdd(kind)} disabled={disabled} data-testid="quiz-add-question">
        Add a question
      </button>
    </>
  );
}

interface FieldsProps {
  q: QuestionForm;
  i: number;
  count: number;
  set: (patch: Partial<QuestionForm>) => void;
  id: (name: string) => string;
  errProps: (key: string) => Record<string, unknown>;
  errorText: (key: string) => ReactNode;
}

/** The fields of one question: the common ones, then those of its kind. */
function QuestionFields({ q, i, set, id, errProps, errorText }: FieldsProps) {
  const k = (name: string) => `questions.${i}.${name}`;
  const fid = (name: string) => id(`q${q.key}-${name}`);
  const limits = labelLimits(q.kind);
  const labelField = q.kind === 'choice' ? 'options' : q.kind === 'ordering' ? 'items' : 'accepted';
  const labelNoun = q.kind === 'choice' ? 'Option' : q.kind === 'ordering' ? 'Item' : 'Accepted answer';
  const setLabel = (j: number, v: string) => set({ labels: q.labels.map((x, n) => (n === j ? v : x)) });

  return (
    <fieldset className="stack">
      <legend>
        Question {i + 1} <span className="muted small">· {KIND_LABEL[q.kind]}</span>
      </legend>
      <div className="quiz-grid">
        <div className="field">
          <label htmlFor={fid('kind')}>Kind</label>
          <select id={fid('kind')} value={q.kind} onChange={(e) => set(withKind(q, e.target.value as QuizQuestionKind))} data-testid="quiz-q-kind">
            {KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {KIND_LABEL[kind]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={fid('time')}>Time limit (seconds)</label>
          <input id={fid('time')} type="number" inputMode="numeric" min={QUIZ_LIMITS.minTimeLimitSec} max={QUIZ_LIMITS.maxTimeLimitSec} value={q.timeLimitSec} onChange={(e) => set({ timeLimitSec: e.target.value })} {...errProps(k('timeLimitSec'))} data-testid="quiz-q-time" />
          {errorText(k('timeLimitSec'))}
        </div>
        <div className="field">
          <label htmlFor={fid('points')}>Points</label>
          <select id={fid('points')} value={q.points} onChange={(e) => set({ points: e.target.value as QuestionForm['points'] })} data-testid="quiz-q-points">
            <option value="1">×1 (normal)</option>
            <option value="2">×2 (double)</option>
            <option value="0">×0 (warm-up, no points)</option>
          </select>
        </div>
      </div>
      <div className="field">
        <label htmlFor={fid('text')}>Question text</label>
        <input id={fid('text')} type="text" value={q.text} onChange={(e) => set({ text: e.target.value })} {...errProps(k('text'))} data-testid="quiz-q-text" />
        {errorText(k('text'))}
      </div>

      {q.kind === 'truefalse' ? (
        <fieldset className="row">
          <legend>Correct answer</legend>
          {(['true', 'false'] as const).map((v) => (
            <label key={v} className="check">
              <input type="radio" name={fid('truth')} value={v} checked={q.truth === v} onChange={() => set({ truth: v })} data-testid={`quiz-q-truth-${v}`} />
              {v === 'true' ? 'True' : 'False'}
            </label>
          ))}
        </fieldset>
      ) : null}

      {q.kind === 'choice' || q.kind === 'ordering' || q.kind === 'type' ? (
        <fieldset className="stack" aria-describedby={errorText(k(labelField)) ? id(`${k(labelField)}-err`) : undefined}>
          <legend>{q.kind === 'choice' ? 'Options (tick the correct ones)' : q.kind === 'ordering' ? 'Items, in the correct order' : 'Accepted answers (case and accents do not matter)'}</legend>
          {q.labels.map((label, j) => (
            <div className="quiz-label-row" key={j}>
              {q.kind === 'choice' ? (
                <label className="check quiz-correct">
                  <input type="checkbox" checked={q.correctPicks[j] ?? false} onChange={(e) => set({ correctPicks: q.labels.map((_, n) => (n === j ? e.target.checked : (q.correctPicks[n] ?? false))) })} data-testid="quiz-q-correct" />
                  <span className="visually-hidden">
                    {labelNoun} {j + 1} is correct
                  </span>
                  <span aria-hidden="true">Correct</span>
                </label>
              ) : null}
              <div className="field grow">
                <label htmlFor={fid(`label-${j}`)} className="small">
                  {labelNoun} {j + 1}
                </label>
                <input id={fid(`label-${j}`)} type="text" value={label} onChange={(e) => setLabel(j, e.target.value)} {...errProps(k(`${labelField}.${j}`))} data-testid="quiz-q-label" />
                {errorText(k(`${labelField}.${j}`))}
              </div>
              <button
                type="button"
                className="btn btn-small btn-quiet"
                onClick={() => set({ labels: q.labels.filter((_, n) => n !== j), correctPicks: q.correctPicks.filter((_, n) => n !== j) })}
                disabled={q.labels.length <= limits.min}
                aria-label={`Remove ${labelNoun.toLowerCase()} ${j + 1}`}
              >
                Remove
              </button>
            </div>
          ))}
          {errorText(k(labelField))}
          {q.kind === 'choice' ? errorText(k('correct')) : null}
          <div>
            <button type="button" className="btn btn-small" onClick={() => set({ labels: [...q.labels, ''], correctPicks: [...q.correctPicks, false] })} disabled={q.labels.length >= limits.max} data-testid="quiz-q-add-label">
              Add {labelNoun.toLowerCase()}
            </button>
          </div>
        </fieldset>
      ) : null}

      {q.kind === 'number' ? (
        <div className="quiz-grid">
          {(
            [
              ['min', 'Lowest'],
              ['max', 'Highest'],
              ['correct', 'Correct value'],
              ['tolerance', 'Tolerance (±)'],
            ] as const
          ).map(([name, label]) => (
            <div className="field" key={name}>
              <label htmlFor={fid(name)}>{label}</label>
              <input id={fid(name)} type="number" inputMode="decimal" step="any" value={q[name]} onChange={(e) => set({ [name]: e.target.value })} {...errProps(k(name))} data-testid={`quiz-q-${name}`} />
              {errorText(k(name))}
            </div>
          ))}
        </div>
      ) : null}

      <details className="quiz-more" open={['imageUrl', 'topic', 'explanation'].some((n) => errorText(k(n)) !== null) || undefined}>
        <summary>Image, topic and explanation</summary>
        <div className="stack">
          <div className="field">
            <label htmlFor={fid('image')}>Image URL (https, optional)</label>
            <input id={fid('image')} type="url" inputMode="url" value={q.imageUrl} onChange={(e) => set({ imageUrl: e.target.value })} {...errProps(k('imageUrl'))} />
            {errorText(k('imageUrl'))}
          </div>
          <div className="field">
            <label htmlFor={fid('topic')}>Topic (optional, for “what stuck”)</label>
            <input id={fid('topic')} type="text" value={q.topic} onChange={(e) => set({ topic: e.target.value })} {...errProps(k('topic'))} />
            {errorText(k('topic'))}
          </div>
          <div className="field">
            <label htmlFor={fid('explanation')}>Explanation shown at the reveal (optional)</label>
            <textarea id={fid('explanation')} rows={2} value={q.explanation} onChange={(e) => set({ explanation: e.target.value })} {...errProps(k('explanation'))} />
            {errorText(k('explanation'))}
          </div>
        </div>
      </details>
    </fieldset>
  );
}
