import { useId, useRef, useState, type FormEvent } from 'react';
import { DEFAULT_POLL_SETTINGS, POLL_LIMITS, PollDraft, type Poll, type PollKind, type ResultsVisibility } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { sentence } from '../../lib/text';
import { KIND_LABEL } from './model';
import './polls.css';

const ALL_KINDS: PollKind[] = ['single', 'multiple', 'rating', 'nps', 'wordcloud', 'open'];

interface Fields {
  kind: PollKind;
  question: string;
  options: string[];
  maxPicks: string;
  scale: 5 | 10;
  anonymous: boolean;
  resultsVisibility: ResultsVisibility;
  allowChange: boolean;
  durationSec: string;
}

function fieldsOf(poll: Poll | undefined): Fields {
  const s = poll?.settings ?? DEFAULT_POLL_SETTINGS;
  return {
    kind: poll?.kind ?? 'single',
    question: poll?.question ?? '',
    options: poll && (poll.kind === 'single' || poll.kind === 'multiple') ? poll.options.map((o) => o.label) : ['', ''],
    maxPicks: poll?.kind === 'multiple' ? String(poll.maxPicks) : '2',
    scale: poll?.kind === 'rating' ? poll.scale : 5,
    anonymous: s.anonymous,
    resultsVisibility: s.resultsVisibility,
    allowChange: s.allowChange,
    durationSec: s.durationSec === null ? '' : String(s.durationSec),
  };
}

/** The fields as the draft the server expects; the schema is the shared one, so errors match the server's. */
function draftOf(f: Fields): unknown {
  const duration = f.durationSec.trim();
  const settings = {
    anonymous: f.anonymous,
    resultsVisibility: f.resultsVisibility,
    allowChange: f.allowChange,
    durationSec: duration === '' ? null : Number(duration),
  };
  const base = { question: f.question, settings };
  switch (f.kind) {
    case 'single':
      return { kind: 'single', ...base, options: f.options };
    case 'multiple':
      return { kind: 'multiple', ...base, options: f.options, maxPicks: Number(f.maxPicks) };
    case 'rating':
      return { kind: 'rating', ...base, scale: f.scale };
    default:
      return { kind: f.kind, ...base };
  }
}

type Errors = Partial<Record<string, string>>;

/** Numeric fields get one plain sentence whatever the schema's wording; the rest read as written. */
function friendly(key: string, message: string, f: Fields): string {
  if (key === 'maxPicks') return `“Pick up to” is a whole number from 1 to ${f.options.length}.`;
  if (key === 'settings.durationSec') return `The timer is a whole number of seconds from ${POLL_LIMITS.minDurationSec} to ${POLL_LIMITS.maxDurationSec}, or empty.`;
  return sentence(message);
}

/**
 * [POLL5] Create or edit a poll draft, every kind with its settings (moderators and organisers),
 * or, with `adhoc`, a presenter's quick poll launched at once in the live session ([POLL9]).
 * Checked in place with the shared schema before sending; the server's typed errors are toasted.
 */
export function PollEditor({
  sessionId = null,
  poll,
  adhoc = false,
  kinds = ALL_KINDS,
  onDone,
  onCancel,
}: {
  sessionId?: string | null;
  poll?: Poll;
  adhoc?: boolean;
  kinds?: PollKind[];
  onDone: (poll: Poll) => void;
  onCancel?: () => void;
}) {
  const { send } = useLive();
  const [f, setF] = useState<Fields>(() => fieldsOf(poll));
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const uid = useId();
  const id = (name: string) => `${uid}-${name}`;
  const set = <K extends keyof Fields>(key: K, value: Fields[K]) => setF((x) => ({ ...x, [key]: value }));
  const hasOptions = f.kind === 'single' || f.kind === 'multiple';

  async function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = PollDraft.safeParse(draftOf(f));
    if (!parsed.success) {
      const next: Errors = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path.length === 0 ? 'form' : issue.path.map(String).join('.');
        next[key] ??= friendly(key, issue.message, f);
      }
      setErrors(next);
      // Move focus to the first field in error so keyboard and screen-reader users land on it.
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    setErrors({});
    setBusy(true);
    const draft = parsed.data;
    const ack = adhoc
      ? await send('poll:launchAdhoc', { draft })
      : poll
        ? await send('poll:update', { pollId: poll.id, draft })
        : await send('poll:create', { sessionId, draft });
    setBusy(false);
    if (ack.ok) {
      if (!poll) setF(fieldsOf(undefined));
      onDone(ack.data);
    }
  }

  const err = (key: string) => errors[key];
  const errProps = (key: string) => ({ 'aria-invalid': err(key) ? true : undefined, 'aria-describedby': err(key) ? id(`${key}-err`) : undefined });
  const errorText = (k: string) =>
    err(k) ? (
      <p id={id(`${k}-err`)} className="field-error">
        {err(k)}
      </p>
    ) : null;

  return (
    <form ref={formRef} className="poll-editor stack" onSubmit={submit} noValidate data-testid={adhoc ? 'quick-poll-form' : 'poll-editor'}>
      <div className="field">
        <label htmlFor={id('kind')}>Kind</label>
        <select id={id('kind')} value={f.kind} onChange={(e) => set('kind', e.target.value as PollKind)} data-testid="poll-kind">
          {kinds.map((k) => (
            <option key={k} value={k}>
              {KIND_LABEL[k]}
            </option>
          ))}
        </select>
      </div>

      <div className="field">
        <label htmlFor={id('question')}>Question</label>
        <input id={id('question')} type="text" value={f.question} onChange={(e) => set('question', e.target.value)} {...errProps('question')} data-testid="poll-question-input" />
        <span className="counter">
          {f.question.trim().length}/{POLL_LIMITS.question}
        </span>
        {errorText('question')}
      </div>

      {hasOptions ? (
        <fieldset className="stack" aria-describedby={err('options') ? id('options-err') : undefined}>
          <legend>Options</legend>
          {f.options.map((label, i) => (
            <div className="option-row" key={i}>
              <div className="field grow">
                <label htmlFor={id(`opt-${i}`)} className="small">
                  Option {i + 1}
                </label>
                <input
                  id={id(`opt-${i}`)}
                  type="text"
                  value={label}
                  maxLength={POLL_LIMITS.optionLabel * 2}
                  onChange={(e) => set('options', f.options.map((x, j) => (j === i ? e.target.value : x)))}
                  {...errProps(`options.${i}`)}
                  data-testid="poll-option-input"
                />
                {errorText(`options.${i}`)}
              </div>
              <button
                type="button"
                className="btn btn-small btn-quiet"
                onClick={() => set('options', f.options.filter((_, j) => j !== i))}
                disabled={f.options.length <= POLL_LIMITS.minOptions}
                aria-label={`Remove option ${i + 1}`}
              >
                Remove
              </button>
            </div>
          ))}
          {errorText('options')}
          <button type="button" className="btn btn-small" onClick={() => set('options', [...f.options, ''])} disabled={f.options.length >= POLL_LIMITS.maxOptions} data-testid="poll-add-option">
            Add option
          </button>
        </fieldset>
      ) : null}

      {f.kind === 'multiple' ? (
        <div className="field">
          <label htmlFor={id('maxPicks')}>Pick up to</label>
          <input id={id('maxPicks')} type="number" inputMode="numeric" min={1} max={f.options.length} value={f.maxPicks} onChange={(e) => set('maxPicks', e.target.value)} {...errProps('maxPicks')} />
          {errorText('maxPicks')}
        </div>
      ) : null}

      {f.kind === 'rating' ? (
        <div className="field">
          <label htmlFor={id('scale')}>Scale</label>
          <select id={id('scale')} value={f.scale} onChange={(e) => set('scale', Number(e.target.value) === 10 ? 10 : 5)}>
            <option value={5}>1 to 5</option>
            <option value={10}>1 to 10</option>
          </select>
        </div>
      ) : null}

      {!adhoc ? (
        <fieldset className="settings stack">
          <legend>Settings</legend>
          <label className="check">
            <input type="checkbox" checked={f.anonymous} onChange={(e) => set('anonymous', e.target.checked)} data-testid="poll-anonymous" />
            Anonymous (no one can tie an answer to a person)
          </label>
          <label className="check">
            <input type="checkbox" checked={f.allowChange} onChange={(e) => set('allowChange', e.target.checked)} data-testid="poll-allow-change" />
            Attendees may change their vote until the poll closes
          </label>
          <div className="field">
            <label htmlFor={id('visibility')}>Results visible to the audience</label>
            <select id={id('visibility')} value={f.resultsVisibility} onChange={(e) => set('resultsVisibility', e.target.value as ResultsVisibility)} data-testid="poll-visibility">
              <option value="live">Live, while voting</option>
              <option value="after-close">After the poll closes</option>
              <option value="presenter">Only when the presenter reveals them</option>
            </select>
          </div>
        </fieldset>
      ) : null}

      <div className="field">
        <label htmlFor={id('duration')}>Timer in seconds (empty: close by hand)</label>
        <input
          id={id('duration')}
          type="number"
          inputMode="numeric"
          min={POLL_LIMITS.minDurationSec}
          max={POLL_LIMITS.maxDurationSec}
          placeholder={`${POLL_LIMITS.minDurationSec}–${POLL_LIMITS.maxDurationSec}`}
          value={f.durationSec}
          onChange={(e) => set('durationSec', e.target.value)}
          {...errProps('settings.durationSec')}
          data-testid="poll-duration"
        />
        {errorText('settings.durationSec')}
      </div>

      {errorText('form')}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="poll-save">
          {busy ? 'Saving…' : adhoc ? 'Launch now' : poll ? 'Save changes' : 'Create poll'}
        </button>
        {onCancel ? (
          <button type="button" className="btn btn-quiet" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
