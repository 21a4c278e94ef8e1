import { useId, useState, type FormEvent } from 'react';
import { BREAKOUT_LIMITS, BreakoutAttribute, RoundDraft, type AssignmentStrategy, type BreakoutFormat, type StructuredKind } from '@rally/shared';
import { sentence } from '../../lib/text';
import { newCommandId } from '../../lib/ids';
import { defaultFormat, FORMAT_LABEL, quickRooms } from './model';

type StrategyChoice = 'random' | 'manual' | 'selfSelect' | 'roster' | 'group' | 'mix';

const STRATEGY_LABEL: Record<StrategyChoice, string> = {
  random: 'Random, balanced sizes',
  group: 'By attribute: same value together',
  mix: 'By attribute: values spread across rooms',
  selfSelect: 'Attendees pick their room',
  roster: 'From the attendee list’s room column',
  manual: 'By hand',
};

const ATTRIBUTE_LABEL: Record<BreakoutAttribute, string> = { team: 'Team', region: 'Region', title: 'Job title', tenure: 'Tenure', mode: 'In the room or remote' };

function strategyChoice(s: AssignmentStrategy): StrategyChoice {
  return s.kind === 'attribute' ? s.how : s.kind;
}

/**
 * [BRK76] A round's plan: title, duration, who goes, how people are placed, the format (a structured
 * one starts from roles, briefs and a rubric the moderator edits) and "N rooms of capacity C".
 */
export function RoundEditor({ initial, submitLabel, onSubmit, onCancel }: { initial?: RoundDraft; submitLabel: string; onSubmit: (d: RoundDraft) => Promise<string | null>; onCancel: () => void }) {
  const id = useId();
  const [title, setTitle] = useState(initial?.title ?? 'Breakout');
  const [minutes, setMinutes] = useState(String(Math.round((initial?.durationSec ?? 900) / 60)));
  const [audience, setAudience] = useState(initial?.audience ?? 'remote');
  const [strategy, setStrategy] = useState<StrategyChoice>(initial ? strategyChoice(initial.strategy) : 'random');
  const [attribute, setAttribute] = useState<BreakoutAttribute>(initial?.strategy.kind === 'attribute' ? initial.strategy.attribute : 'team');
  const [format, setFormat] = useState<BreakoutFormat>(initial?.format ?? { kind: 'open' });
  const [roomCount, setRoomCount] = useState(String(initial?.rooms.length || 4));
  const [capacity, setCapacity] = useState(String(initial?.rooms[0]?.capacity ?? 5));
  const [rooms, setRooms] = useState(initial?.rooms ?? []);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  function pickFormat(kind: 'open' | StructuredKind) {
    const f = defaultFormat(kind);
    setFormat(f);
    // A role-play room holds one person per role.
    if (f.kind !== 'open') setCapacity(String(f.roles.length));
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const strat: AssignmentStrategy = strategy === 'group' || strategy === 'mix' ? { kind: 'attribute', attribute, how: strategy } : { kind: strategy };
    const parsed = RoundDraft.safeParse({
      title,
      durationSec: Math.round(Number(minutes) * 60),
      audience,
      strategy: strat,
      format,
      rooms: quickRooms(Number(roomCount) || 1, Number(capacity) || 1, rooms),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      setError(sentence(`${issue?.path.join(' ') ?? ''}: ${issue?.message ?? 'check the form'}`.replace(/^: /, '')));
      return;
    }
    setBusy(true);
    const err = await onSubmit(parsed.data);
    setBusy(false);
    setError(err ?? '');
    if (!err) setRooms(parsed.data.rooms);
  }

  return (
    <form className="brk-editor stack" onSubmit={submit} noValidate data-testid="brk-editor">
      <div className="brk-fields">
        <div className="field">
          <label htmlFor={`${id}-title`}>Title</label>
          <input id={`${id}-title`} value={title} maxLength={120} onChange={(e) => setTitle(e.target.value)} data-testid="brk-title" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-min`}>Duration (minutes)</label>
          <input id={`${id}-min`} type="number" inputMode="numeric" min={1} max={BREAKOUT_LIMITS.durationSecMax / 60} value={minutes} onChange={(e) => setMinutes(e.target.value)} data-testid="brk-minutes" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-aud`}>Who goes</label>
          <select id={`${id}-aud`} value={audience} onChange={(e) => setAudience(e.target.value as 'remote' | 'everyone')} data-testid="brk-audience">
            <option value="remote">Remote attendees (the room does it at tables)</option>
            <option value="everyone">Everyone</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-strat`}>Placing people</label>
          <select id={`${id}-strat`} value={strategy} onChange={(e) => setStrategy(e.target.value as StrategyChoice)} data-testid="brk-strategy">
            {(Object.keys(STRATEGY_LABEL) as StrategyChoice[]).map((k) => (
              <option key={k} value={k}>
                {STRATEGY_LABEL[k]}
              </option>
            ))}
          </select>
        </div>
        {strategy === 'group' || strategy === 'mix' ? (
          <div className="field">
            <label htmlFor={`${id}-attr`}>Attribute</label>
            <select id={`${id}-attr`} value={attribute} onChange={(e) => setAttribute(e.target.value as BreakoutAttribute)}>
              {BreakoutAttribute.options.map((a) => (
                <option key={a} value={a}>
                  {ATTRIBUTE_LABEL[a]}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={`${id}-fmt`}>Format</label>
          <select id={`${id}-fmt`} value={format.kind} onChange={(e) => pickFormat(e.target.value as 'open' | StructuredKind)} data-testid="brk-format">
            {(Object.keys(FORMAT_LABEL) as Array<keyof typeof FORMAT_LABEL>).map((k) => (
              <option key={k} value={k}>
                {FORMAT_LABEL[k]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-rooms`}>Rooms</label>
          <input id={`${id}-rooms`} type="number" inputMode="numeric" min={1} max={BREAKOUT_LIMITS.roomsPerRound} value={roomCount} onChange={(e) => setRoomCount(e.target.value)} data-testid="brk-room-count" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-cap`}>People per room (at most)</label>
          <input id={`${id}-cap`} type="number" inputMode="numeric" min={1} max={BREAKOUT_LIMITS.roomCapacityMax} value={capacity} onChange={(e) => setCapacity(e.target.value)} data-testid="brk-capacity" />
        </div>
      </div>
      {format.kind !== 'open' ? <StructuredFields format={format} onChange={setFormat} /> : null}
      <p className={error ? 'field-error' : 'visually-hidden'} role="status" data-testid="brk-editor-error">
        {error}
      </p>
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="brk-save">
          {submitLabel}
        </button>
        <button type="button" className="btn btn-quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

type Structured = Extract<BreakoutFormat, { roles: unknown }>;

/** [BRK50] Roles (name, scores or not, private brief), rotations and the rubric, all editable. */
function StructuredFields({ format, onChange }: { format: Structured; onChange: (f: BreakoutFormat) => void }) {
  const id = useId();
  const set = (patch: Partial<Structured>) => onChange({ ...format, ...patch });
  return (
    <div className="stack">
      <h4>Roles and private briefs</h4>
      <p className="muted small">The first role is each rotation’s subject; roles that score fill in the scorecard about it. Each attendee sees only their own role’s brief.</p>
      {format.roles.map((r, i) => (
        <fieldset key={r.id} className="brk-role-edit stack" data-testid="brk-role-edit">
          <legend>Role {i + 1}</legend>
          <div className="brk-fields">
            <div className="field">
              <label htmlFor={`${id}-rn-${i}`}>Name</label>
              <input id={`${id}-rn-${i}`} value={r.name} maxLength={40} onChange={(e) => set({ roles: format.roles.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)) })} />
            </div>
            <label className="check brk-check">
              <input type="checkbox" checked={r.scores} onChange={(e) => set({ roles: format.roles.map((x, j) => (j === i ? { ...x, scores: e.target.checked } : x)) })} />
              Fills in the scorecard
            </label>
          </div>
          <div className="field">
            <label htmlFor={`${id}-rb-${i}`}>Private brief</label>
            <textarea id={`${id}-rb-${i}`} rows={2} value={r.brief} maxLength={BREAKOUT_LIMITS.briefMax} onChange={(e) => set({ roles: format.roles.map((x, j) => (j === i ? { ...x, brief: e.target.value } : x)) })} />
          </div>
          {format.roles.length > 2 ? (
            <button type="button" className="btn btn-small btn-quiet" onClick={() => set({ roles: format.roles.filter((_, j) => j !== i) })}>
              Remove role {r.name || i + 1}
            </button>
          ) : null}
        </fieldset>
      ))}
      {format.roles.length < BREAKOUT_LIMITS.rolesMax ? (
        <button type="button" className="btn btn-small" onClick={() => set({ roles: [...format.roles, { id: newCommandId(), name: `Role ${format.roles.length + 1}`, scores: false, brief: '' }] })}>
          Add a role
        </button>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-rot`}>Rotations (everyone plays each role when it equals the room size)</label>
        <input id={`${id}-rot`} type="number" min={1} max={BREAKOUT_LIMITS.rotationsMax} value={format.rotations} onChange={(e) => set({ rotations: Math.max(1, Math.min(BREAKOUT_LIMITS.rotationsMax, Number(e.target.value) || 1)) })} />
      </div>
      <h4>Rubric (scored 1–5)</h4>
      <ul className="brk-list">
        {format.rubric.map((c, i) => (
          <li key={c.id} className="brk-criterion-edit">
            <label className="visually-hidden" htmlFor={`${id}-c-${i}`}>
              Criterion {i + 1}
            </label>
            <input id={`${id}-c-${i}`} value={c.label} maxLength={120} onChange={(e) => set({ rubric: format.rubric.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)) })} />
            {format.rubric.length > 1 ? (
              <button type="button" className="btn btn-small btn-quiet" onClick={() => set({ rubric: format.rubric.filter((_, j) => j !== i) })} aria-label={`Remove criterion ${c.label || i + 1}`}>
                Remove
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {format.rubric.length < BREAKOUT_LIMITS.criteriaMax ? (
        <button type="button" className="btn btn-small" onClick={() => set({ rubric: [...format.rubric, { id: newCommandId(), label: '' }] })}>
          Add a criterion
        </button>
      ) : null}
    </div>
  );
}
