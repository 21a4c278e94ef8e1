import { useId, useMemo, useState, type FormEvent } from 'react';
import { BREAKOUT_LIMITS, POLL_LIMITS, type AssignmentSummary, type BreakoutRound, type HelpRequest, type RoomOccupancy } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { clockText, currentStaffRound, roundClock } from '../../lib/breakoutState';
import { sentence } from '../../lib/text';
import { useServerNow } from '../stage-live/hooks';
import { AttendeeListImport } from './AttendeeListImport';
import { FORMAT_LABEL } from './model';
import { RoomChat } from './RoomChat';
import { RoomVideo } from './RoomVideo';
import { RoundEditor } from './RoundEditor';
import { SwapRow } from './SwapRow';
import './breakouts.css';

const STATUS_LABEL: Record<BreakoutRound['status'], string> = { draft: 'Draft', open: 'Open', closing: 'Closing', closed: 'Closed' };

/**
 * [BRK76] The console's Breakouts section: the help queue, the round being run (assign, preview who
 * is where with the warnings, move people, open, countdown, extend, broadcast, close all, who is in
 * which room now, takeaways to the stage or a poll), a new round, templates, and past rounds.
 */
export function ModeratorBreakouts() {
  const { state, send } = useLive();
  const b = state.breakouts;
  const current = currentStaffRound(b);
  const [creating, setCreating] = useState(false);
  const others = b.rounds.filter((r) => r.id !== current?.id).reverse();
  return (
    <section className="card brk-section stack" aria-labelledby="mod-brk-h" data-testid="moderator-breakouts">
      <div className="row spread">
        <h2 id="mod-brk-h">Breakouts</h2>
        <button type="button" className="btn btn-small btn-primary" aria-expanded={creating} onClick={() => setCreating((c) => !c)} data-testid="brk-new">
          {creating ? 'Close the form' : 'New round'}
        </button>
      </div>
      <p className="muted small">{b.video ? 'Video rooms are on.' : 'Video is off on this server: rooms run with chat, timer, help and takeaways.'}</p>
      <HelpQueue help={b.help} rounds={b.rounds} />
      {creating ? (
        <div className="editor-box">
          <RoundEditor
            submitLabel="Create the round"
            onCancel={() => setCreating(false)}
            onSubmit={async (draft, sessionId) => {
              const ack = await send('breakout:create', { sessionId, draft }, { quiet: true });
              if (!ack.ok) return sentence(ack.error.message);
              setCreating(false);
              return null;
            }}
          />
        </div>
      ) : null}
      {current ? <RoundPanel round={current} occupancy={b.occupancy[current.id]} /> : <p className="empty">No breakout round yet. Create one, or start from a template.</p>}
      <Templates />
      <AttendeeListImport />
      {others.length > 0 ? (
        <section aria-labelledby="brk-past-h">
          <h3 id="brk-past-h">Other rounds</h3>
          <ul className="brk-list">
            {others.map((r) => (
              <li key={r.id} className="row spread" data-testid="brk-other-round">
                <span>
                  <strong>{r.title}</strong> <span className="badge">{STATUS_LABEL[r.status]}</span>
                </span>
                {r.status === 'draft' || r.status === 'closed' ? (
                  <button type="button" className="btn btn-small btn-quiet" onClick={() => void send('breakout:delete', { roundId: r.id })} aria-label={`Delete “${r.title}”`}>
                    Delete
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </section>
  );
}

/** Display names for participant ids, from the presence list staff hold. */
function useNames(): (id: string) => string {
  const { state } = useLive();
  const online = state.presence?.online;
  const map = useMemo(() => new Map((online ?? []).map((p) => [p.id, p.name])), [online]);
  return (id) => map.get(id) ?? 'Someone offline';
}

/** [BRK16] Help requests, oldest waiting first; the first moderator to take one is shown to the others. */
function HelpQueue({ help, rounds }: { help: HelpRequest[]; rounds: BreakoutRound[] }) {
  const { send } = useLive();
  const waiting = help.filter((h) => !h.takenBy);
  const taken = help.filter((h) => h.takenBy).slice(-3);
  if (help.length === 0) return null;
  const roomName = (h: HelpRequest) => rounds.find((r) => r.id === h.roundId)?.rooms.find((x) => x.id === h.roomId)?.name ?? 'a room';
  return (
    <section className="brk-help stack" aria-labelledby="brk-help-h" data-testid="brk-help-queue">
      <h3 id="brk-help-h">Help requests {waiting.length > 0 ? <span className="badge badge-live">{waiting.length} waiting</span> : null}</h3>
      <ul className="brk-list">
        {waiting.map((h) => (
          <li key={h.id} className="row spread" data-testid="brk-help-request">
            <span>
              <strong>{h.name}</strong> in {roomName(h)} asks for help
            </span>
            <button type="button" className="btn btn-small btn-primary" onClick={() => void send('breakout:takeHelp', { helpId: h.id })} data-testid="brk-help-take">
              Take it
            </button>
          </li>
        ))}
        {taken.map((h) => (
          <li key={h.id} className="muted small">
            {h.name} in {roomName(h)}: taken by {h.takenBy!.name}
          </li>
        ))}
      </ul>
    </section>
  );
}

function RoundPanel({ round, occupancy }: { round: BreakoutRound; occupancy: RoomOccupancy | undefined }) {
  const { state, send } = useLive();
  const session = round.sessionId ? state.event.agenda.find((s) => s.id === round.sessionId) : undefined;
  const [summary, setSummary] = useState<AssignmentSummary | null>(null);
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState('');
  const live = round.status === 'open' || round.status === 'closing';
  const act = async (p: Promise<{ ok: boolean; error?: { message: string } }>) => {
    const ack = await p;
    setError(ack.ok ? '' : sentence(ack.error!.message));
    return ack;
  };
  return (
    <section className="brk-round stack" aria-labelledby="brk-round-h" data-testid="brk-round" data-status={round.status}>
      <div className="row spread">
        <div>
          <h3 id="brk-round-h">
            {round.title} <span className="badge brk-status" data-testid="brk-round-status">{STATUS_LABEL[round.status]}</span>
          </h3>
          <p className="muted small">
            {FORMAT_LABEL[round.format.kind]} · {round.rooms.length} {round.rooms.length === 1 ? 'room' : 'rooms'} · {Math.round(round.durationSec / 60)} min ·{' '}
            {round.audience === 'remote' ? 'remote attendees' : 'everyone'}
            {session ? (
              <>
                {' '}
                · <span data-testid="brk-round-session">for {session.title}</span>
              </>
            ) : null}
          </p>
        </div>
        {live ? <StaffClock round={round} /> : null}
      </div>
      <div className="row">
        {round.status === 'draft' ? (
          <>
            <button
              type="button"
              className="btn"
              onClick={async () => {
                const ack = await send('breakout:assign', { roundId: round.id }, { quiet: true });
                setError(ack.ok ? '' : sentence(ack.error.message));
                if (ack.ok) setSummary(ack.data);
              }}
              data-testid="brk-assign"
            >
              Assign people
            </button>
            <button type="button" className="btn btn-primary" onClick={() => void act(send('breakout:open', { roundId: round.id }, { quiet: true }))} data-testid="brk-open">
              Open the rooms
            </button>
            <button type="button" className="btn btn-quiet" aria-expanded={editing} onClick={() => setEditing((e) => !e)} data-testid="brk-edit">
              {editing ? 'Close the plan' : 'Edit the plan'}
            </button>
          </>
        ) : null}
        {round.status === 'open' ? (
          <>
            <button type="button" className="btn" onClick={() => void act(send('breakout:extend', { roundId: round.id, seconds: 300 }, { quiet: true }))} data-testid="brk-extend">
              +5 min
            </button>
            <button type="button" className="btn btn-danger" onClick={() => void act(send('breakout:close', { roundId: round.id }, { quiet: true }))} data-testid="brk-close">
              Close all rooms
            </button>
          </>
        ) : null}
        <SaveTemplate round={round} />
      </div>
      <p className={error ? 'field-error' : 'visually-hidden'} role="status" data-testid="brk-round-error">
        {error}
      </p>
      {editing && round.status === 'draft' ? (
        <div className="editor-box">
          <RoundEditor
            initial={round}
            submitLabel="Save the plan"
            onCancel={() => setEditing(false)}
            onSubmit={async (draft, sessionId) => {
              const ack = await send('breakout:update', { roundId: round.id, draft, sessionId }, { quiet: true });
              if (!ack.ok) return sentence(ack.error.message);
              setEditing(false);
              return null;
            }}
          />
        </div>
      ) : null}
      {summary && summary.round.id === round.id ? (
        <div role="status" data-testid="brk-assign-summary">
          <p>
            {summary.assigned} placed{summary.unplaced > 0 ? `, ${summary.unplaced} without a place (rooms full)` : ''}.
          </p>
          {summary.warnings.length > 0 ? (
            <ul className="brk-warnings" data-testid="brk-assign-warnings">
              {summary.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {round.status === 'open' ? <Broadcast round={round} /> : null}
      <Rooms round={round} occupancy={occupancy} />
      <Takeaways round={round} />
    </section>
  );
}

/** [BRK72] The staff's view of the clock: time left, then the closing countdown. */
function StaffClock({ round }: { round: BreakoutRound }) {
  const now = useServerNow(500);
  const c = roundClock(round, now);
  const text = c.phase === 'running' || c.phase === 'warning' ? `${clockText(c.leftMs)} left` : c.phase === 'closing' ? `Back on stage in ${Math.ceil(c.leftMs / 1000)} s` : c.phase === 'overtime' ? 'Time is up' : '';
  return (
    <div className={`brk-clock is-${c.phase}`} data-testid="brk-staff-clock">
      <span role="timer" aria-live="off" className="brk-clock-time">
        {text}
      </span>
    </div>
  );
}

/** [BRK14] A message to every room. */
function Broadcast({ round }: { round: BreakoutRound }) {
  const { send } = useLive();
  const id = useId();
  const [text, setText] = useState('');
  const [status, setStatus] = useState('');
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!text.trim()) return setStatus('Write the message first.');
    const ack = await send('breakout:broadcast', { roundId: round.id, text: text.trim() }, { quiet: true });
    setStatus(ack.ok ? 'Sent to every room.' : sentence(ack.error.message));
    if (ack.ok) setText('');
  }
  return (
    <form onSubmit={submit} noValidate className="field" data-testid="brk-broadcast-form">
      <label htmlFor={id}>Message to every room</label>
      <div className="row">
        <input id={id} value={text} maxLength={BREAKOUT_LIMITS.broadcastMax * 2} onChange={(e) => setText(e.target.value)} data-testid="brk-broadcast-input" />
        <button type="submit" className="btn" data-testid="brk-broadcast-send">
          Broadcast
        </button>
      </div>
      <p className="muted small" role="status">
        {status}
      </p>
    </form>
  );
}

/** [BRK15] [BRK17] Who is where now (in video or not), moving people between rooms, and each room's chat and video. */
/** Above this many rooms each room's people fold away, so a 500-room round stays a readable list. */
const FOLD_ROOMS_OVER = 12;

function Rooms({ round, occupancy }: { round: BreakoutRound; occupancy: RoomOccupancy | undefined }) {
  const name = useNames();
  const editable = round.status !== 'closed';
  const fold = round.rooms.length > FOLD_ROOMS_OVER;
  return (
    <section aria-labelledby="brk-rooms-h" className="stack">
      <h3 id="brk-rooms-h">Rooms</h3>
      {!occupancy ? <p className="muted small">Nobody is assigned yet.</p> : null}
      <div className="brk-grid two">
        {round.rooms.map((room) => {
          const o = occupancy?.rooms[room.id];
          const people = o?.assigned ?? [];
          const inVideo = o?.inVideo.length ?? 0;
          const list = (
            <ul className="brk-people">
              {people.length === 0 ? <li className="muted small">Empty</li> : null}
              {people.map((pid) => (
                <PersonRow key={pid} round={round} occupancy={occupancy} names={name} pid={pid} roomId={room.id} inVideo={o?.inVideo.includes(pid) ?? false} editable={editable} />
              ))}
            </ul>
          );
          return (
            <article key={room.id} className="brk-room-card stack" data-testid="brk-room-card" data-room-id={room.id}>
              <h4>
                {room.name}{' '}
                <span className="muted small">
                  {people.length} / {room.capacity}
                  {inVideo > 0 ? ` · ${inVideo} in video` : ''}
                </span>
              </h4>
              {room.topic ? <p className="muted small">{room.topic}</p> : null}
              {fold ? (
                <details>
                  <summary>Who is here ({people.length})</summary>
                  {list}
                </details>
              ) : (
                list
              )}
              {round.status === 'open' || round.status === 'closing' ? <RoomTools round={round} roomId={room.id} roomName={room.name} /> : null}
            </article>
          );
        })}
      </div>
      {occupancy && occupancy.unassigned.length > 0 ? (
        <article className="brk-room-card stack" data-testid="brk-unassigned">
          <h4>Without a room ({occupancy.unassigned.length})</h4>
          <ul className="brk-people">
            {occupancy.unassigned.map((pid) => (
              <PersonRow key={pid} round={round} occupancy={occupancy} names={name} pid={pid} roomId={null} inVideo={false} editable={editable} />
            ))}
          </ul>
        </article>
      ) : null}
    </section>
  );
}

/**
 * One person in a room; "Move" opens the room list and [BRK92] "Swap" the people of the other rooms,
 * for that person only (one select, not one per person).
 */
function PersonRow({
  round,
  occupancy,
  names,
  pid,
  roomId,
  inVideo,
  editable,
}: {
  round: BreakoutRound;
  occupancy: RoomOccupancy | undefined;
  names: (id: string) => string;
  pid: string;
  roomId: string | null;
  inVideo: boolean;
  editable: boolean;
}) {
  const { send } = useLive();
  const id = useId();
  const name = names(pid);
  const [moving, setMoving] = useState(false);
  const [swapping, setSwapping] = useState(false);
  if (editable && swapping) return <SwapRow round={round} occupancy={occupancy} names={names} pid={pid} roomId={roomId} onDone={() => setSwapping(false)} />;
  return (
    <li data-testid="brk-person">
      <span>
        <span data-testid="brk-person-name">{name}</span> {inVideo ? <span className="badge badge-video">in video</span> : null}
      </span>
      {editable && moving ? (
        <span>
          <label htmlFor={id} className="visually-hidden">
            Move {name} to
          </label>
          <select
            id={id}
            autoFocus
            value={roomId ?? ''}
            onChange={async (e) => {
              await send('breakout:move', { roundId: round.id, participantId: pid, roomId: e.target.value || null });
              setMoving(false);
            }}
            onBlur={() => setMoving(false)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setMoving(false);
            }}
            data-testid="brk-move"
          >
            {round.rooms.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
            <option value="">No room</option>
          </select>
        </span>
      ) : editable ? (
        <span className="row brk-person-tools">
          <button type="button" className="btn btn-small btn-quiet" onClick={() => setMoving(true)} aria-label={`Move ${name}`} data-testid="brk-move-open">
            Move
          </button>
          <button type="button" className="btn btn-small btn-quiet" onClick={() => setSwapping(true)} aria-label={`Swap ${name} with someone`} data-testid="brk-swap-open">
            Swap
          </button>
        </span>
      ) : null}
    </li>
  );
}

/** A moderator opens one room's chat (read on demand) or joins its video. */
function RoomTools({ round, roomId, roomName }: { round: BreakoutRound; roomId: string; roomName: string }) {
  const { send } = useLive();
  const [chat, setChat] = useState(false);
  return (
    <div className="stack">
      <div className="row">
        <button
          type="button"
          className="btn btn-small"
          aria-expanded={chat}
          onClick={() => {
            if (!chat) void send('breakout:readChat', { roundId: round.id, roomId }, { quiet: true });
            setChat((c) => !c);
          }}
        >
          {chat ? 'Hide chat' : 'Open chat'}
        </button>
      </div>
      {chat ? <RoomChat roundId={round.id} roomId={roomId} asStaff label={`${roomName} chat`} /> : null}
      <RoomVideo roundId={round.id} roomId={roomId} asStaff />
    </div>
  );
}

/** [BRK60] [BRK62] Each room's takeaway: one on the stage, or all as a poll to pick the best. */
function Takeaways({ round }: { round: BreakoutRound }) {
  const { state, send } = useLive();
  // In the rooms' order, as the poll's options are.
  const order = new Map(round.rooms.map((r, i) => [r.id, i]));
  const list = state.breakouts.takeaways.filter((t) => t.roundId === round.id).sort((a, b) => (order.get(a.roomId) ?? 0) - (order.get(b.roomId) ?? 0));
  const slot = state.stage.onStage.slot;
  const [status, setStatus] = useState('');
  // [BRK62] A poll has at most 10 options: with more takeaways the moderator picks which (the first 10 to start).
  const [chosen, setChosen] = useState<readonly string[] | null>(null);
  const choosing = list.length > POLL_LIMITS.maxOptions;
  const inPoll = choosing ? (chosen ?? list.slice(0, POLL_LIMITS.maxOptions).map((t) => t.roomId)).filter((id) => list.some((t) => t.roomId === id)) : list.map((t) => t.roomId);
  if (round.status === 'draft') return null;
  return (
    <section aria-labelledby="brk-tk-h" className="stack" data-testid="brk-takeaways">
      <h3 id="brk-tk-h">Takeaways</h3>
      {list.length === 0 ? <p className="empty">No room has submitted a takeaway yet.</p> : null}
      <ul className="brk-list">
        {list.map((t) => {
          const room = round.rooms.find((r) => r.id === t.roomId);
          const onStage = slot.kind === 'takeaway' && slot.roundId === t.roundId && slot.roomId === t.roomId;
          return (
            <li key={t.roomId} className="stack" data-testid="brk-takeaway-row">
              <p>
                <strong>{room?.name ?? 'A room'}</strong>: “{t.text}” <span className="muted small">— {t.byName}</span>
              </p>
              <div className="row">
                {choosing ? (
                  <label className="check brk-check">
                    <input
                      type="checkbox"
                      checked={inPoll.includes(t.roomId)}
                      disabled={!inPoll.includes(t.roomId) && inPoll.length >= POLL_LIMITS.maxOptions}
                      onChange={(e) => setChosen(e.target.checked ? [...inPoll, t.roomId] : inPoll.filter((id) => id !== t.roomId))}
                    />
                    In the poll (at most {POLL_LIMITS.maxOptions})
                  </label>
                ) : null}
                {onStage ? (
                  <span className="badge badge-live">On stage</span>
                ) : (
                  <button type="button" className="btn btn-small" onClick={() => void send('stage:show', { slot: { kind: 'takeaway', roundId: t.roundId, roomId: t.roomId } })} data-testid="brk-takeaway-show">
                    Put on stage
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
      {list.length >= 2 ? (
        <button
          type="button"
          className="btn"
          onClick={async () => {
            const ack = await send('breakout:pollTakeaways', { roundId: round.id, ...(choosing ? { roomIds: inPoll } : {}) }, { quiet: true });
            setStatus(ack.ok ? 'The poll is live: the audience picks the best takeaway.' : sentence(ack.error.message));
          }}
          data-testid="brk-takeaways-poll"
        >
          {choosing ? `Launch the ${inPoll.length} picked as a poll` : 'Launch them as a poll'}
        </button>
      ) : null}
      <p className="muted small" role="status">
        {status}
      </p>
    </section>
  );
}

/** [BRK20] Saves this round's plan as a template. */
function SaveTemplate({ round }: { round: BreakoutRound }) {
  const { send } = useLive();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(round.title);
  const [status, setStatus] = useState('');
  if (!open) {
    return (
      <button type="button" className="btn btn-quiet" onClick={() => setOpen(true)} data-testid="brk-save-template">
        Save as template
      </button>
    );
  }
  return (
    <form
      className="row"
      onSubmit={async (e) => {
        e.preventDefault();
        const ack = await send('breakout:saveTemplate', { roundId: round.id, name: name.trim() || round.title }, { quiet: true });
        setStatus(ack.ok ? 'Saved.' : sentence(ack.error.message));
        if (ack.ok) setOpen(false);
      }}
    >
      <label htmlFor={id} className="visually-hidden">
        Template name
      </label>
      <input id={id} value={name} maxLength={120} onChange={(e) => setName(e.target.value)} />
      <button type="submit" className="btn btn-small">
        Save
      </button>
      <span role="status" className="muted small">
        {status}
      </span>
    </form>
  );
}

function Templates() {
  const { state, send } = useLive();
  const templates = state.breakouts.templates;
  if (templates.length === 0) return null;
  return (
    <section aria-labelledby="brk-tpl-h" data-testid="brk-templates">
      <h3 id="brk-tpl-h">Templates</h3>
      <ul className="brk-list">
        {templates.map((t) => (
          <li key={t.id} className="row spread" data-testid="brk-template">
            <span>
              <strong>{t.name}</strong>{' '}
              <span className="muted small">
                {FORMAT_LABEL[t.draft.format.kind]} · {t.draft.rooms.length} rooms
              </span>
            </span>
            <span className="row">
              <button type="button" className="btn btn-small" onClick={() => void send('breakout:fromTemplate', { templateId: t.id, sessionId: state.event.liveSessionId })} aria-label={`New round from “${t.name}”`}>
                Use
              </button>
              <button type="button" className="btn btn-small btn-quiet" onClick={() => void send('breakout:deleteTemplate', { templateId: t.id })} aria-label={`Delete template “${t.name}”`}>
                Delete
              </button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
