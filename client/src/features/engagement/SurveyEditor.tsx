import { useId, useState, type FormEvent } from 'react';
import { SURVEY_LIMITS, type RallyErrorBody, type Survey } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { sentence } from '../../lib/text';
import { QUESTION_KIND_LABEL, surveyDraft, type FieldErrors, type QuestionDraftForm } from './model';

/** A day-end survey to start from: one of each kind, so most organisers only edit the words. */
const STARTER: QuestionDraftForm[] = [
  { kind: 'rating', prompt: 'How would you rate today overall?', required: true },
  { kind: 'nps', prompt: 'How likely are you to recommend this event to a colleague?', required: true },
  { kind: 'text', prompt: 'What should we change next time?', required: false },
];

const STATE_LABEL: Record<Survey['state'], string> = { draft: 'Draft', open: 'Open', closed: 'Closed' };

/**
 * [ENG15] The moderators' survey desk: write the end-of-day survey while it is a draft, open it
 * (attendees see it at once) and close it (answers are final).
 */
export function SurveyEditor({ survey }: { survey: Survey | null }) {
  const { send } = useLive();
  const [title, setTitle] = useState(survey?.title ?? 'End-of-day survey');
  const [anonymous, setAnonymous] = useState(survey?.anonymous ?? false);
  const [questions, setQuestions] = useState<QuestionDraftForm[]>(() => survey?.questions.map(({ kind, prompt, required }) => ({ kind, prompt, required })) ?? STARTER);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [refused, setRefused] = useState<RallyErrorBody | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const base = useId();
  const editable = !survey || survey.state === 'draft';

  const setQ = (i: number, patch: Partial<QuestionDraftForm>) => setQuestions((qs) => qs.map((q, j) => (j === i ? { ...q, ...patch } : q)));

  async function run<T>(key: string, fn: () => Promise<{ ok: true; data: T } | { ok: false; error: RallyErrorBody }>, done: string) {
    setBusy(key);
    setRefused(null);
    setStatus('');
    const ack = await fn();
    setBusy(null);
    if (!ack.ok) setRefused(ack.error);
    else setStatus(done);
    return ack.ok;
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    const checked = surveyDraft({ title, anonymous, questions });
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    await run('save', () => send('survey:define', { survey: checked.draft }, { quiet: true }), 'Survey saved as a draft.');
  }

  const err = (key: string) =>
    errors[key] ? (
      <p className="field-error" id={`${base}-${key}-error`}>
        {errors[key]}
      </p>
    ) : null;
  const described = (key: string) => (errors[key] ? `${base}-${key}-error` : undefined);

  return (
    <section className="survey-editor stack" aria-labelledby={`${base}-heading`} data-testid="survey-editor" data-state={survey?.state ?? 'none'}>
      <div className="row spread">
        <h3 id={`${base}-heading`}>End-of-day survey</h3>
        <span className="badge" data-testid="survey-state">
          {survey ? STATE_LABEL[survey.state] : 'Not written yet'}
        </span>
      </div>
      {editable ? (
        <form className="stack" onSubmit={save} noValidate>
          <div className="field">
            <label htmlFor={`${base}-title`}>Survey title</label>
            <input id={`${base}-title`} value={title} maxLength={SURVEY_LIMITS.title * 2} onChange={(e) => setTitle(e.target.value)} aria-invalid={!!errors.title} aria-describedby={described('title')} />
            {err('title')}
          </div>
          <label className="eng-check">
            <input type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.target.checked)} /> Anonymous answers (never tied to a name or a cohort in any export; written answers show once the survey closes)
          </label>
          <ol className="survey-questions">
            {questions.map((q, i) => (
              <li key={i} className="survey-question-edit" data-testid="survey-question-edit">
                <fieldset>
                  <legend>Question {i + 1}</legend>
                  <div className="field">
                    <label htmlFor={`${base}-kind-${i}`}>Kind</label>
                    <select id={`${base}-kind-${i}`} value={q.kind} onChange={(e) => setQ(i, { kind: e.target.value as QuestionDraftForm['kind'] })}>
                      {(Object.keys(QUESTION_KIND_LABEL) as QuestionDraftForm['kind'][]).map((k) => (
                        <option key={k} value={k}>
                          {QUESTION_KIND_LABEL[k]}
                        </option>
                      ))}
                    </select>
                  </div>
                  <div className="field">
                    <label htmlFor={`${base}-prompt-${i}`}>Prompt</label>
                    <input
                      id={`${base}-prompt-${i}`}
                      value={q.prompt}
                      onChange={(e) => setQ(i, { prompt: e.target.value })}
                      aria-invalid={!!errors[`questions.${i}.prompt`]}
                      aria-describedby={described(`questions.${i}.prompt`)}
                    />
                    {err(`questions.${i}.prompt`)}
                  </div>
                  <div className="row">
                    <label className="eng-check">
                      <input type="checkbox" checked={q.required} onChange={(e) => setQ(i, { required: e.target.checked })} /> Required
                    </label>
                    <button type="button" className="btn btn-small btn-quiet" onClick={() => setQuestions((qs) => qs.filter((_, j) => j !== i))} aria-label={`Remove question ${i + 1}`}>
                      Remove
                    </button>
                  </div>
                </fieldset>
              </li>
            ))}
          </ol>
          {err('questions')}
          <div className="row">
            <button
              type="button"
              className="btn"
              disabled={questions.length >= SURVEY_LIMITS.questions}
              onClick={() => setQuestions((qs) => [...qs, { kind: 'rating', prompt: '', required: false }])}
            >
              Add a question
            </button>
            <button type="submit" className="btn btn-primary" disabled={busy !== null} data-testid="save-survey">
              {busy === 'save' ? 'Saving…' : 'Save draft'}
            </button>
            {survey?.state === 'draft' ? (
              <button type="button" className="btn btn-primary" disabled={busy !== null} onClick={() => void run('open', () => send('survey:open', {}, { quiet: true }), 'The survey is open: attendees see it now.')} data-testid="open-survey">
                {busy === 'open' ? 'Opening…' : 'Open to attendees'}
              </button>
            ) : null}
          </div>
          {survey?.state === 'draft' ? <p className="muted small">Save your edits before opening: attendees get the saved draft.</p> : null}
        </form>
      ) : (
        <>
          <p>
            <strong data-testid="survey-title">{survey!.title}</strong>
            {survey!.anonymous ? <span className="muted"> · anonymous</span> : null}
          </p>
          <ol className="survey-questions-static">
            {survey!.questions.map((q) => (
              <li key={q.id}>
                {q.prompt} <span className="muted small">({QUESTION_KIND_LABEL[q.kind]}{q.required ? ', required' : ''})</span>
              </li>
            ))}
          </ol>
          {survey!.state === 'open' ? (
            <button type="button" className="btn btn-danger-outline" disabled={busy !== null} onClick={() => void run('close', () => send('survey:close', {}, { quiet: true }), 'The survey is closed; answers are final.')} data-testid="close-survey">
              {busy === 'close' ? 'Closing…' : 'Close the survey'}
            </button>
          ) : null}
        </>
      )}
      {refused ? (
        <p className="field-error" role="alert" data-testid="survey-error">
          {sentence(refused.message)} ({refused.code})
        </p>
      ) : null}
      <p className="muted small" role="status" data-testid="survey-status">
        {status}
      </p>
    </section>
  );
}
