import { useId, useMemo, useState, type FormEvent } from 'react';
import { BREAKOUT_LIMITS, BreakoutAttribute, RoundDraft, type AssignmentStrategy, type BreakoutFormat, type BreakoutRoom, type Participant, type StructuredKind } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { sortedAgenda, timeRange } from '../../lib/agenda';
import { sentence } from '../../lib/text';
import { newCommandId } from '../../lib/ids';
import { defaultFormat, FORMAT_LABEL, quickRooms, resizeRooms, withCapacity } from './model';

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

/** Above this many rooms the one-by-one room list starts folded, so a 500-room plan stays a short form. */
const FOLD_ROOMS_OVER = 12;

/**
 * [BRK76] [BRK91] A round's plan: the agenda session it is for (the live one to start), title,
 * duration, who goes, how people are placed, the format (a structured one starts from roles, briefs
 * and a rubric the moderator edits) and its rooms: "N rooms of capacity C" to start, then each
 * room's name, topic, capacity and facilitator.
 */
export function RoundEditor({
  initial,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  initial?: RoundDraft & { sessionId?: string | null };
  submitLabel: string;
  onSubmit: (d: RoundDraft, sessionId: string | null) => Promise<string | null>;
  onCancel: () => void;
}) {
  const { state } = useLive();
  const id = useId();
  const agenda = sortedAgenda(state.event);
  const liveId = state.event.liveSessionId;
  const [sessionId, setSessionId] = useState<string | null>(initial ? (initial.sessionId ?? null) : liveId);
  const [title, setTitle] = useState(initial?.title ?? 'Breakout');
  const [minutes, setMinutes] = useState(String(Math.round((initial?.durationSec ?? 900) / 60)));
  const [audience, setAudience] = useState(initial?.audience ?? 'remote');
  const [strategy, setStrategy] = useState<StrategyChoice>(initial ? strategyChoice(initial.strategy) : 'random');
  const [attribute, setAttribute] = useState<BreakoutAttribute>(initial?.strategy.kind === 'attribute' ? initial.strategy.attribute : 'team');
  const [format, setFormat] = useState<BreakoutFormat>(initial?.format ?? { kind: 'open' });
  const [roomCount, setRoomCount] = useState(String(initial?.rooms.length || 4));
  const [capacity, setCapacity] = useState(String(initial?.rooms[0]?.capacity ?? 5));
  // Every room made so far, edits included: the count shows the first N, so typing "12" over "4"
  // (through "1") loses no room's name or topic.
  const [pool, setPool] = useState<BreakoutRoom[]>(() => (initial?.rooms.length ? initial.rooms : quickRooms(4, 5)));
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const shown = Math.max(1, Math.min(BREAKOUT_LIMITS.roomsPerRound, Math.floor(Number(roomCount)) || 1));
  const rooms = pool.slice(0, shown);

  function changeCount(v: string) {
    setRoomCount(v);
    const n = Math.floor(Number(v));
    if (n >= 1) setPool((p) => resizeRooms(p, n, Number(capacity) || 1));
  }
  /** "People per room" sets every room's capacity; each room's own field changes one. */
  function changeCapacity(v: string) {
    setCapacity(v);
    const c = Math.floor(Number(v));
    if (c >= 1) setPool((p) => withCapacity(p, c));
  }
  const setRoom = (i: number, patch: Partial<BreakoutRoom>) => setPool((p) => p.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  function pickFormat(kind: 'open' | StructuredKind) {
    const f = defaultFormat(kind);
    setFormat(f);
    // A role-play room holds one person per role.
    if (f.kind !== 'open') changeCapacity(String(f.roles.length));
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
      rooms,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      setError(sentence(`${issue ? fieldName(issue.path, rooms) : ''}: ${issue?.message ?? 'check the form'}`.replace(/^: /, '')));
      return;
    }
    setBusy(true);
    const err = await onSubmit(parsed.data, sessionId);
    setBusy(false);
    setError(err ?? '');
  }

  return (
    <form className="brk-editor stack" onSubmit={submit} noValidate data-testid="brk-editor">
      <div className="brk-fields">
        <div className="field">
          <label htmlFor={`${id}-session`}>Agenda session</label>
          <select id={`${id}-session`} value={sessionId ?? ''} onChange={(e) => setSessionId(e.target.value || null)} data-testid="brk-session">
            <option value="">No session</option>
            {agenda.map((a) => (
              <option key={a.id} value={a.id}>
                {a.title} ({timeRange(a)}){a.id === liveId ? ', live now' : ''}
              </option>
            ))}
          </select>
        </div>
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
          <input id={`${id}-rooms`} type="number" inputMode="numeric" min={1} max={BREAKOUT_LIMITS.roomsPerRound} value={roomCount} onChange={(e) => changeCount(e.target.value)} data-testid="brk-room-count" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-cap`}>People per room (at most)</label>
          <input id={`${id}-cap`} type="number" inputMode="numeric" min={1} max={BREAKOUT_LIMITS.roomCapacityMax} value={capacity} onChange={(e) => changeCapacity(e.target.value)} data-testid="brk-capacity" />
        </div>
      </div>
      <RoomsFields rooms={rooms} onChange={setRoom} />
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

/** A zod issue's path in the moderator's words: "Room 3 name", not "rooms 2 name". */
function fieldName(path: readonly PropertyKey[], rooms: readonly BreakoutRoom[]): string {
  if (path[0] === 'rooms' && typeof path[1] === 'number') return `${rooms[path[1]]?.name || `Room ${path[1] + 1}`}${path[2] ? ` ${String(path[2])}` : ''}`;
  return path.map(String).join(' ');
}

/** [BRK91] Each room's name, topic, capacity and facilitator, edited one by one. */
function RoomsFields({ rooms, onChange }: { rooms: readonly BreakoutRoom[]; onChange: (i: number, patch: Partial<BreakoutRoom>) => void }) {
  const id = useId();
  const { state } = useLive();
  const online = state.presence?.online;
  // Once per presence change, not once per room: a plan has up to 500 rooms, an event thousands online.
  const attendees = useMemo(() => (online ?? []).filter((p) => p.role === 'attendee').sort((a, b) => a.name.localeCompare(b.name)), [online]);
  const names = useMemo(() => new Map(attendees.map((p) => [p.id, p.name])), [attendees]);
  const list = (
    <ol className="brk-room-edits">
      {rooms.map((r, i) => (
        <li key={r.id}>
          <fieldset className="brk-role-edit stack" data-testid="brk-room-edit">
            <legend>Room {i + 1}</legend>
            <div className="brk-fields brk-room-fields">
              <div className="field">
                <label htmlFor={`${id}-n-${i}`}>Name</label>
                <input id={`${id}-n-${i}`} value={r.name} maxLength={BREAKOUT_LIMITS.nameMax} onChange={(e) => onChange(i, { name: e.target.value })} data-testid="brk-edit-room-name" />
              </div>
              <div className="field">
                <label htmlFor={`${id}-c-${i}`}>Capacity</label>
                <input
                  id={`${id}-c-${i}`}
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={BREAKOUT_LIMITS.roomCapacityMax}
                  value={r.capacity}
                  onChange={(e) => onChange(i, { capacity: Math.max(1, Math.min(BREAKOUT_LIMITS.roomCapacityMax, Math.floor(Number(e.target.value)) || 1)) })}
                  data-testid="brk-edit-room-capacity"
                />
              </div>
              <div className="field brk-wide">
                <label htmlFor={`${id}-t-${i}`}>Topic (optional)</label>
                <input id={`${id}-t-${i}`} value={r.topic} maxLength={BREAKOUT_LIMITS.topicMax} onChange={(e) => onChange(i, { topic: e.target.value })} data-testid="brk-edit-room-topic" />
              </div>
              <FacilitatorPicker room={r} attendees={attendees} names={names} onChange={(facilitatorId) => onChange(i, { facilitatorId })} />
            </div>
          </fieldset>
        </li>
      ))}
    </ol>
  );
  return (
    <details className="brk-rooms-edit" open={rooms.length <= FOLD_ROOMS_OVER}>
      <summary>Each room: name, topic, capacity, facilitator ({rooms.length})</summary>
      {list}
    </details>
  );
}

/**
 * [BRK91] [BRK31] A room's facilitator: one of the attendees online (placed first in the room when
 * people are assigned), or none. The list opens for one room at a time (one select, not one per room).
 */
function FacilitatorPicker({
  room,
  attendees,
  names,
  onChange,
}: {
  room: BreakoutRoom;
  attendees: readonly Participant[];
  names: ReadonlyMap<string, string>;
  onChange: (id: string | null) => void;
}) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const current = room.facilitatorId ? (names.get(room.facilitatorId) ?? 'Someone offline') : null;
  return (
    <div className="field brk-wide">
      <span className="brk-label" id={`${id}-l`}>
        Facilitator (optional)
      </span>
      {open ? (
        <span>
          <label htmlFor={id} className="visually-hidden">
            Facilitator of {room.name || 'this room'}
          </label>
          <select
            id={id}
            autoFocus
            value={room.facilitatorId ?? ''}
            onChange={(e) => {
              onChange(e.target.value || null);
              setOpen(false);
            }}
            onBlur={() => setOpen(false)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setOpen(false);
            }}
            data-testid="brk-edit-room-facilitator"
          >
            <option value="">No facilitator</option>
            {room.facilitatorId && !names.has(room.facilitatorId) ? <option value={room.facilitatorId}>{current}</option> : null}
            {attendees.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
                {p.team ? ` (${p.team})` : ''}
              </option>
            ))}
          </select>
        </span>
      ) : (
        <span className="row">
          <span data-testid="brk-edit-room-facilitator-name">{current ?? 'None'}</span>
          <button type="button" className="btn btn-small btn-quiet" aria-describedby={`${id}-l`} aria-label={`Choose the facilitator of ${room.name || 'this room'}`} onClick={() => setOpen(true)} data-testid="brk-edit-room-facilitator-open">
            Choose
          </button>
        </span>
      )}
    </div>
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
      {format.kind === 'teachBack' ? <ConceptsField format={format} onChange={onChange} /> : null}
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

/**
 * [BRK90] A teach-back's concepts, one a line: rotation 1's teacher gets the first in their private
 * brief, rotation 2's the second, and so on (repeating when there are fewer than rotations).
 */
function ConceptsField({ format, onChange }: { format: Structured; onChange: (f: BreakoutFormat) => void }) {
  const id = useId();
  // The text as typed (blank lines kept while typing); the format holds the non-empty lines.
  const [text, setText] = useState((format.concepts ?? []).join('\n'));
  return (
    <div className="field">
      <label htmlFor={id}>Concepts to teach, one a line (optional)</label>
      <textarea
        id={id}
        rows={3}
        value={text}
        placeholder={'Multi-threading the account\nThe mutual action plan'}
        aria-describedby={`${id}-h`}
        onChange={(e) => {
          setText(e.target.value);
          const concepts = e.target.value
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean);
          const { concepts: _old, ...rest } = format;
          onChange(concepts.length ? { ...rest, concepts } : rest);
        }}
        data-testid="brk-concepts"
      />
      <p className="muted small" id={`${id}-h`}>
        Each rotation’s teacher gets the next concept in their private brief; at most {BREAKOUT_LIMITS.rotationsMax}.
      </p>
    </div>
  );
}
