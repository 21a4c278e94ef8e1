import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { BREAKOUT_LIMITS, type CommandResults } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { breakoutsInProgress, clockText, memberRoles, myRoom, needsRoomChoice, rotationEndsAt, rotationSubject, roundClock, type MyRoom } from '../../lib/breakoutState';
import { formatHm } from './model';
import { sentence } from '../../lib/text';
import { useServerNow } from '../stage-live/hooks';
import { RoomChat } from './RoomChat';
import { RoomVideo } from './RoomVideo';
import { ScorecardForm } from './ScorecardForm';
import './breakouts.css';

/**
 * [BRK71] The attendee's breakout room, shown in place of the stage as soon as their assignment names
 * a room of the open round (no reload), until their room becomes null or the round closes.
 */
export function BreakoutRoomView({ where }: { where: MyRoom }) {
  const { round, room, me } = where;
  const selfId = useLive().state.me.id;
  const f = round.format;
  const structured = f.kind !== 'open';
  const roles = memberRoles(round, me);
  const subject = rotationSubject(me);
  const latest = round.broadcasts[round.broadcasts.length - 1];
  return (
    <section className="card brk-room stack" aria-labelledby="brk-room-h" data-testid="brk-room" data-room-id={room.id}>
      <div className="brk-room-head">
        <div>
          <p className="muted small brk-round-title">{round.title}</p>
          <h2 id="brk-room-h" data-testid="brk-room-name">
            {room.name}
          </h2>
          {room.topic ? <p className="brk-topic">{room.topic}</p> : null}
        </div>
        <RoomClock where={where} />
      </div>
      <ClosingBanner where={where} />
      {latest ? (
        <div className="brk-broadcast" role="status" data-testid="brk-broadcast">
          <strong>From the moderators:</strong> {latest.text}
        </div>
      ) : null}
      {structured && me.role ? (
        <section className="brk-role" aria-labelledby="brk-role-h" data-testid="brk-my-role">
          <h3 id="brk-role-h">
            Your role: <span data-testid="brk-my-role-name">{me.role.name}</span>
            {me.rotation !== null ? (
              <span className="muted small">
                {' '}
                · rotation {me.rotation + 1} of {f.rotations}
              </span>
            ) : null}
          </h3>
          {me.rotation !== null ? <RotationSwitch where={where} rotation={me.rotation} /> : null}
          {/* [BRK73] Only this participant's brief ever reaches this screen. */}
          <p className="brk-brief" data-testid="brk-my-brief">
            {me.role.brief || 'No brief for this role.'}
          </p>
        </section>
      ) : null}
      <section aria-labelledby="brk-members-h">
        <h3 id="brk-members-h">In this room</h3>
        <ul className="brk-members" data-testid="brk-members">
          {roles.map((m) => (
            <li key={m.id} data-testid="brk-member">
              {m.name}
              {m.id === selfId ? ' (you)' : ''}
              {m.role ? <span className="badge">{m.role}</span> : null}
            </li>
          ))}
        </ul>
      </section>
      <RoomVideo roundId={round.id} roomId={room.id} />
      <div className="row brk-actions">
        <AskHelp roundId={round.id} />
      </div>
      {structured && me.role?.scores && subject && me.rotation !== null && subject.id !== selfId ? (
        <ScorecardForm key={`${me.rotation}:${subject.id}`} roundId={round.id} rotation={me.rotation} subjectName={subject.name} rubric={f.rubric} />
      ) : null}
      <TakeawayForm roundId={round.id} roomId={room.id} />
      <RoomChat roundId={round.id} roomId={room.id} />
    </section>
  );
}

/** [BRK72] The time left, the one-minute warning (shown and announced once), and overtime. */
function RoomClock({ where }: { where: MyRoom }) {
  const now = useServerNow(500);
  const clock = roundClock(where.round, now, BREAKOUT_LIMITS.warningSec);
  const [announce, setAnnounce] = useState('');
  const warned = useRef(false);
  useEffect(() => {
    if (clock.phase === 'warning' && !warned.current) {
      warned.current = true;
      setAnnounce('1 minute left in this room.');
    }
    if (clock.phase === 'running') warned.current = false;
  }, [clock.phase]);
  const text =
    clock.phase === 'running' || clock.phase === 'warning'
      ? clockText(clock.leftMs)
      : clock.phase === 'closing'
        ? clockText(clock.leftMs)
        : clock.phase === 'overtime'
          ? 'Time is up'
          : '';
  return (
    <div className={`brk-clock is-${clock.phase}`} data-testid="brk-clock" data-phase={clock.phase}>
      <span role="timer" aria-live="off" className="brk-clock-time" data-testid="brk-clock-time">
        {text}
      </span>
      <span className="brk-clock-label">{clock.phase === 'warning' ? '1 minute left' : clock.phase === 'closing' ? 'to the stage' : clock.phase === 'overtime' ? '' : 'left'}</span>
      <span className="visually-hidden" aria-live="assertive">
        {announce}
      </span>
    </div>
  );
}

/** [BRK50] When the roles move on: "Roles switch in 2:10". */
function RotationSwitch({ where, rotation }: { where: MyRoom; rotation: number }) {
  const now = useServerNow(1000);
  const at = rotationEndsAt(where.round, rotation);
  if (at === null || where.round.status !== 'open') return null;
  return (
    <p className="muted small brk-rotation" data-testid="brk-rotation-switch">
      Roles switch in {clockText(at - now)}
    </p>
  );
}

/** [BRK72] While closing: everyone is back on the stage in N seconds. */
function ClosingBanner({ where }: { where: MyRoom }) {
  const now = useServerNow(500);
  const clock = roundClock(where.round, now);
  if (clock.phase !== 'closing') return null;
  return (
    <div className="brk-closing" role="alert" data-testid="brk-closing">
      The rooms are closing: back on the stage in {Math.ceil(clock.leftMs / 1000)} s. Submit your takeaway now.
    </div>
  );
}

/** [BRK16] "Ask for help": reaches every moderator; the asker sees when someone takes it. */
function AskHelp({ roundId }: { roundId: string }) {
  const { state, send } = useLive();
  const mine = state.breakouts.help.filter((h) => h.roundId === roundId && h.participantId === state.me.id);
  const latest = mine[mine.length - 1];
  const [busy, setBusy] = useState(false);
  const waiting = latest && !latest.takenBy;
  return (
    <>
      <button
        type="button"
        className="btn"
        disabled={busy || !!waiting}
        onClick={async () => {
          setBusy(true);
          await send('breakout:askHelp', { roundId });
          setBusy(false);
        }}
        data-testid="brk-ask-help"
      >
        {waiting ? 'Help requested' : 'Ask for help'}
      </button>
      <span role="status" className="muted small" data-testid="brk-help-status">
        {latest ? (latest.takenBy ? `${latest.takenBy.name} is on the way.` : 'The moderators have been asked; someone will join you.') : ''}
      </span>
    </>
  );
}

/** [BRK60] The room's best takeaway: any member submits it; a resubmit replaces it. */
function TakeawayForm({ roundId, roomId }: { roundId: string; roomId: string }) {
  const { state, send } = useLive();
  const current = state.breakouts.takeaways.find((t) => t.roundId === roundId && t.roomId === roomId);
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const id = useId();
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!text.trim()) {
      setError('Write the takeaway first.');
      return;
    }
    setBusy(true);
    const ack = await send('breakout:takeaway', { roundId, text: text.trim() }, { quiet: true });
    setBusy(false);
    if (!ack.ok) return setError(sentence(ack.error.message));
    setError('');
    setText('');
  }
  return (
    <form className="brk-takeaway stack" onSubmit={submit} noValidate data-testid="brk-takeaway">
      <h3>Your room’s best takeaway</h3>
      {current ? (
        <blockquote className="brk-takeaway-current" data-testid="brk-takeaway-current">
          “{current.text}” <span className="muted small">— {current.byName}</span>
        </blockquote>
      ) : (
        <p className="muted small">One per room: the moderators may put it on the stage.</p>
      )}
      <div className="field">
        <label htmlFor={id}>{current ? 'Replace it with' : 'Takeaway'}</label>
        <textarea id={id} rows={2} value={text} maxLength={BREAKOUT_LIMITS.takeawayMax * 2} onChange={(e) => setText(e.target.value)} aria-describedby={`${id}-err`} data-testid="brk-takeaway-input" />
        <p id={`${id}-err`} className={error ? 'field-error' : 'visually-hidden'} aria-live="polite">
          {error}
        </p>
      </div>
      <button type="submit" className="btn btn-primary" disabled={busy} data-testid="brk-takeaway-send">
        {current ? 'Replace the takeaway' : 'Submit the takeaway'}
      </button>
    </form>
  );
}

/** [BRK78] Attendees outside the rooms (the room at its tables) learn that breakouts run, and until when. */
export function BreakoutNotice() {
  const { state } = useLive();
  const line = breakoutsInProgress(state.breakouts, formatHm);
  if (!line || needsRoomChoice(state.breakouts)) return null;
  return (
    <p className="card brk-notice" role="status" data-testid="brk-notice">
      {line}
    </p>
  );
}

/** [BRK79] A self-select round: the attendee picks a room with space left. */
export function RoomPicker() {
  const { state, send } = useLive();
  const round = state.breakouts.round;
  const [error, setError] = useState('');
  if (!round || !needsRoomChoice(state.breakouts)) return null;
  return (
    <section className="card brk-picker stack" aria-labelledby="brk-pick-h" data-testid="brk-picker">
      <h2 id="brk-pick-h">Pick a breakout room</h2>
      <p className="muted">{round.title}</p>
      <ul className="brk-pick-list">
        {(round.rooms ?? []).map((r) => (
          <li key={r.id}>
            <button
              type="button"
              className="btn brk-pick"
              onClick={async () => {
                const ack = await send('breakout:choose', { roundId: round.id, roomId: r.id }, { quiet: true });
                setError(ack.ok ? '' : sentence(ack.error.message));
              }}
              data-testid="brk-pick-room"
            >
              <strong>{r.name}</strong>
              {r.topic ? <span className="muted small"> {r.topic}</span> : null}
              <span className="muted small"> · up to {r.capacity}</span>
            </button>
          </li>
        ))}
      </ul>
      <p className={error ? 'field-error' : 'visually-hidden'} role="status">
        {error}
      </p>
    </section>
  );
}

/**
 * [BRK79] After a structured round closes: the scorecards about this attendee, read on request
 * (`breakout:myFeedback`), each with its scorer's name.
 */
export function MyFeedback() {
  const { state, send } = useLive();
  const round = state.breakouts.round;
  const [data, setData] = useState<CommandResults['breakout:myFeedback'] | null>(null);
  const [error, setError] = useState('');
  const took = state.breakouts.me?.roundId === round?.id;
  if (!round || round.status !== 'closed' || round.format.kind === 'open' || !took) return null;
  const labels = new Map(round.format.rubric.map((c) => [c.id, c.label]));
  return (
    <section className="card brk-feedback stack" aria-labelledby="brk-fb-h" data-testid="brk-feedback">
      <h2 id="brk-fb-h">Your feedback</h2>
      <p className="muted small">{round.title}</p>
      {data === null ? (
        <button
          type="button"
          className="btn"
          onClick={async () => {
            const ack = await send('breakout:myFeedback', { roundId: round.id }, { quiet: true });
            if (ack.ok) setData(ack.data);
            else setError(sentence(ack.error.message));
          }}
          data-testid="brk-feedback-show"
        >
          Show my scorecards
        </button>
      ) : data.scorecards.length === 0 ? (
        <p className="empty">Nobody scored you in this round.</p>
      ) : (
        <ul className="brk-feedback-list">
          {data.scorecards.map((c) => (
            <li key={`${c.rotation}:${c.scorerName}:${c.at}`} data-testid="brk-feedback-card">
              <p>
                <strong>{c.scorerName}</strong> <span className="muted small">rotation {c.rotation + 1}</span>
              </p>
              <dl className="brk-scores">
                {Object.entries(c.scores).map(([k, v]) => (
                  <div key={k}>
                    <dt>{labels.get(k) ?? k}</dt>
                    <dd>{v} / 5</dd>
                  </div>
                ))}
              </dl>
              {c.comment ? <p className="brk-comment">“{c.comment}”</p> : null}
            </li>
          ))}
        </ul>
      )}
      {error ? <p className="field-error">{error}</p> : null}
    </section>
  );
}

/** The attendee's breakout place now, for the screen to choose between the room and the stage. */
export function useMyRoom(): MyRoom | null {
  return myRoom(useLive().state.breakouts);
}
