import { useId, useState, type FormEvent } from 'react';
import { BREAKOUT_LIMITS, ErrorCode, type RubricCriterion } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { sentence } from '../../lib/text';
import { missingScores } from './model';

const SCALE = [1, 2, 3, 4, 5] as const;

/**
 * [BRK74] The scorer's scorecard about this rotation's subject: one 1–5 radio group per criterion
 * (arrow keys move within a group, as native radios do) and a comment; sent once every criterion has
 * a score.
 */
export function ScorecardForm({ roundId, rotation, subjectName, rubric }: { roundId: string; rotation: number; subjectName: string; rubric: RubricCriterion[] }) {
  const { send } = useLive();
  const id = useId();
  const [scores, setScores] = useState<Record<string, number>>({});
  const [comment, setComment] = useState('');
  const [status, setStatus] = useState<{ kind: 'idle' | 'error' | 'sent'; text: string }>({ kind: 'idle', text: '' });
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const missing = missingScores(rubric, scores);
    if (missing.length > 0) {
      setStatus({ kind: 'error', text: `Score every criterion first: ${missing.map((c) => c.label).join(', ')}.` });
      return;
    }
    setBusy(true);
    const ack = await send('breakout:score', { roundId, rotation, scores, comment: comment.trim() }, { quiet: true });
    setBusy(false);
    // [BRK52] One scorecard per rotation: once sent (or found sent by a retry) it is final.
    if (ack.ok || ack.error.code === ErrorCode.CONFLICT) setStatus({ kind: 'sent', text: `Scorecard for ${subjectName} sent. Thank you!` });
    else setStatus({ kind: 'error', text: sentence(ack.error.message) });
  }

  return (
    <form className="brk-scorecard stack" onSubmit={submit} noValidate aria-labelledby={`${id}-h`} data-testid="brk-scorecard">
      <h3 id={`${id}-h`}>Scorecard: {subjectName}</h3>
      <p className="muted small">1 = not yet, 5 = excellent. You send one scorecard per rotation.</p>
      {rubric.map((c) => (
        <fieldset key={c.id} className="brk-criterion" disabled={status.kind === 'sent'} data-testid="brk-criterion">
          <legend>{c.label}</legend>
          <div className="brk-scale">
            {SCALE.map((n) => (
              <label key={n} className="brk-scale-option">
                <input type="radio" name={`${id}-${c.id}`} value={n} checked={scores[c.id] === n} onChange={() => setScores((s) => ({ ...s, [c.id]: n }))} />
                <span>{n}</span>
              </label>
            ))}
          </div>
        </fieldset>
      ))}
      <div className="field">
        <label htmlFor={`${id}-comment`}>Comment (optional)</label>
        <textarea id={`${id}-comment`} rows={3} disabled={status.kind === 'sent'} value={comment} maxLength={BREAKOUT_LIMITS.commentMax} onChange={(e) => setComment(e.target.value)} data-testid="brk-scorecard-comment" />
      </div>
      <button type="submit" className="btn btn-primary" disabled={busy || status.kind === 'sent'} data-testid="brk-scorecard-send">
        Send scorecard
      </button>
      <p className={status.kind === 'error' ? 'field-error' : 'muted small'} role="status" data-testid="brk-scorecard-status">
        {status.text}
      </p>
    </form>
  );
}
