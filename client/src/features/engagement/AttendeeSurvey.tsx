import { useId, useState, type FormEvent } from 'react';
import { SURVEY_LIMITS, textLength, type RallyErrorBody, type SurveyQuestion } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { sentence } from '../../lib/text';
import { answerForm, surveyAnswers, type AnswerForm } from './model';
import './engagement.css';

/**
 * [ENG15] The end-of-day survey on an attendee's screen while it is open: answered at their own
 * pace, all answers sent at once, and changeable until the moderators close it. Scales are radio
 * groups (one tab stop, arrow keys), big enough to tap on a phone.
 */
export function AttendeeSurvey() {
  const { state } = useLive();
  const { survey, myAnswers } = state.survey;
  if (!survey || survey.state === 'draft') return null;
  if (survey.state === 'closed') {
    return myAnswers ? (
      <section className="card survey" aria-labelledby="survey-heading" data-testid="attendee-survey" data-state="closed">
        <h2 id="survey-heading">{survey.title}</h2>
        <p>The survey is closed. Thank you for your answers!</p>
      </section>
    ) : null;
  }
  // A fresh form when my stored answers change from elsewhere (another tab).
  return <OpenSurvey key={JSON.stringify(myAnswers)} />;
}

function OpenSurvey() {
  const { state, send } = useLive();
  const survey = state.survey.survey!;
  const myAnswers = state.survey.myAnswers;
  const [form, setForm] = useState<AnswerForm>(() => answerForm(myAnswers));
  const [missing, setMissing] = useState<string[]>([]);
  const [refused, setRefused] = useState<RallyErrorBody | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState(myAnswers ? 'Your answers are saved. You can change them until the survey closes.' : '');

  // [UI36] A required question stops being flagged the moment it has an answer, not at the next send.
  function answer(questionId: string, v: number | string) {
    setForm((f) => ({ ...f, [questionId]: v }));
    // "Saved" would no longer be true of what is on the screen.
    setStatus('');
    if (missing.includes(questionId) && (typeof v === 'number' || v.trim() !== '')) setMissing((m) => m.filter((id) => id !== questionId));
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setRefused(null);
    const checked = surveyAnswers(survey.questions, form);
    if (!checked.ok) {
      setMissing(checked.missing);
      setStatus('');
      return;
    }
    setMissing([]);
    setBusy(true);
    const ack = await send('survey:submit', { answers: checked.answers }, { quiet: true });
    setBusy(false);
    if (!ack.ok) {
      setRefused(ack.error);
      return;
    }
    setStatus(ack.data.status === 'unchanged' ? 'Nothing changed: your answers were already saved.' : 'Thank you! Your answers are saved. You can change them until the survey closes.');
  }

  return (
    <section className="card survey" aria-labelledby="survey-heading" data-testid="attendee-survey" data-state="open">
      <h2 id="survey-heading">{survey.title}</h2>
      <p className="muted small">
        {survey.anonymous ? 'Anonymous: your name is never attached to your answers. ' : ''}Answer at your own pace; questions marked * are required.
      </p>
      <form className="stack" onSubmit={submit} noValidate>
        {survey.questions.map((q) => (
          <QuestionField key={q.id} q={q} value={form[q.id]} missing={missing.includes(q.id)} onChange={(v) => answer(q.id, v)} />
        ))}
        {missing.length ? (
          <p className="field-error" role="alert">
            Please answer the required {missing.length === 1 ? 'question' : 'questions'} marked above.
          </p>
        ) : null}
        {refused ? (
          <p className="field-error" role="alert" data-testid="survey-submit-error">
            {sentence(refused.message)}
          </p>
        ) : null}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="submit-survey">
          {busy ? 'Sending…' : myAnswers ? 'Update my answers' : 'Send my answers'}
        </button>
        <p className="small" role="status" data-testid="survey-receipt">
          {status}
        </p>
      </form>
    </section>
  );
}

function QuestionField({ q, value, missing, onChange }: { q: SurveyQuestion; value: number | string | undefined; missing: boolean; onChange: (v: number | string) => void }) {
  const id = useId();
  const errorId = missing ? `${id}-missing` : undefined;
  const label = (
    <>
      {q.prompt}
      {q.required ? <span aria-hidden="true"> *</span> : null}
      {q.required ? <span className="visually-hidden"> (required)</span> : null}
    </>
  );
  const error = missing ? (
    <p className="field-error" id={errorId}>
      This question needs an answer.
    </p>
  ) : null;

  if (q.kind === 'text') {
    const text = typeof value === 'string' ? value : '';
    const n = textLength(text);
    return (
      <div className="field survey-field" data-testid="survey-question" data-question-id={q.id}>
        <label htmlFor={id}>{label}</label>
        <textarea id={id} rows={3} value={text} onChange={(e) => onChange(e.target.value)} aria-invalid={missing || n > SURVEY_LIMITS.text} aria-describedby={[errorId, `${id}-count`].filter(Boolean).join(' ')} />
        <span id={`${id}-count`} className={`muted small ${n > SURVEY_LIMITS.text ? 'eng-over' : ''}`}>
          {n} / {SURVEY_LIMITS.text} characters
        </span>
        {error}
      </div>
    );
  }
  const [from, to] = q.kind === 'rating' ? [1, 5] : [0, 10];
  const values = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const ends = q.kind === 'rating' ? ['Poor', 'Excellent'] : ['Not at all likely', 'Extremely likely'];
  return (
    <fieldset className="survey-field" data-testid="survey-question" data-question-id={q.id} aria-describedby={[errorId, `${id}-ends`].filter(Boolean).join(' ')}>
      <legend>{label}</legend>
      <div className={`survey-scale scale-${values.length}`}>
        {values.map((v) => (
          <label key={v} className={`survey-scale-option ${value === v ? 'is-chosen' : ''}`}>
            <input type="radio" name={id} value={v} checked={value === v} onChange={() => onChange(v)} />
            <span>{v}</span>
          </label>
        ))}
      </div>
      <p id={`${id}-ends`} className="muted small survey-ends">
        {from} = {ends[0]}, {to} = {ends[1]}
      </p>
      {error}
    </fieldset>
  );
}
