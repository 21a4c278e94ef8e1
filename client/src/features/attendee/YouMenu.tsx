import { createContext, useCallback, useContext, useEffect, useId, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';
import type { Mode } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { MODE_LABEL, ModeBadge } from '../../components/Badges';
import { ModeChoice } from '../join/ModeChoice';
import { clearToken } from '../../lib/tokens';
import { canEnterRoomCode, RoomSwitch } from '../stage-live/AttendeeStage';
import { roomCodeFromSearch } from '../stage-live/joinNotice';
import './attendee.css';

interface YouMenuControl {
  open: boolean;
  /** Opens the menu; `roomCode`: with the room code form open and focused. */
  show: (opts?: { roomCode?: boolean }) => void;
  hide: () => void;
  roomCodeAsked: number;
}

const YouMenuContext = createContext<YouMenuControl | null>(null);

/** Holds the "You" menu's open state, so the join notice can open it at the room code. */
export function YouMenuProvider({ children }: { children: ReactNode }) {
  const { state } = useLive();
  // A QR link's room code that did not make this attendee "room" (it rotated): offer it at once.
  const [open, setOpen] = useState(() => roomCodeFromSearch(window.location.search) !== '' && canEnterRoomCode(state));
  const [roomCodeAsked, setRoomCodeAsked] = useState(0);
  const show = useCallback((opts?: { roomCode?: boolean }) => {
    setOpen(true);
    if (opts?.roomCode) setRoomCodeAsked((n) => n + 1);
  }, []);
  const hide = useCallback(() => setOpen(false), []);
  const value = useMemo(() => ({ open, show, hide, roomCodeAsked }), [open, show, hide, roomCodeAsked]);
  return <YouMenuContext.Provider value={value}>{children}</YouMenuContext.Provider>;
}

export function useYouMenu(): YouMenuControl {
  const c = useContext(YouMenuContext);
  if (!c) throw new Error('useYouMenu outside YouMenuProvider');
  return c;
}

/**
 * [UI31] Who I am in this event, one tap away in the header instead of on the page: name, team,
 * mode and participant id, changing team or mode, entering the room code, leaving. The panel
 * stays in the page while closed (hidden), so its content is one place for every reader.
 */
export function YouMenu({ code }: { code: string }) {
  const { state } = useLive();
  const { me } = state;
  const { open, show, hide, roomCodeAsked } = useYouMenu();
  const button = useRef<HTMLButtonElement>(null);
  const wrap = useRef<HTMLDivElement>(null);
  const navigate = useNavigate();

  useEffect(() => {
    if (!open) return;
    function onKey(e: KeyboardEvent) {
      if (e.key !== 'Escape') return;
      hide();
      button.current?.focus();
    }
    // A tap anywhere else closes it, as a menu does; taps inside (forms) keep it.
    function onPointer(e: PointerEvent) {
      if (wrap.current && !wrap.current.contains(e.target as Node)) hide();
    }
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open, hide]);

  function leave() {
    if (!window.confirm('Leave this event on this device? You can join again with the code.')) return;
    clearToken(code, 'attendee');
    navigate(`/j/${code}`, { replace: true });
  }

  return (
    <div className="you" ref={wrap}>
      <button
        ref={button}
        type="button"
        className="you-button"
        aria-expanded={open}
        aria-controls="you-menu"
        onClick={() => (open ? hide() : show())}
        data-testid="you-button"
      >
        You
      </button>
      <section id="you-menu" className="you-menu" aria-labelledby="you-menu-heading" hidden={!open} data-testid="you-menu">
        <div className="row spread">
          <h2 id="you-menu-heading" className="you-menu-heading">
            You
          </h2>
          <button
            type="button"
            className="btn btn-small btn-quiet"
            onClick={() => {
              hide();
              button.current?.focus();
            }}
          >
            Close
          </button>
        </div>
        <p className="me-line" data-testid="me-summary">
          You are <strong data-testid="my-name">{me.name}</strong>
          {me.team ? (
            <>
              {' · '}
              <span data-testid="my-team">{me.team}</span>
            </>
          ) : null}
          {' · '}
          <span data-testid="my-mode" data-mode={me.mode}>
            {MODE_LABEL[me.mode]}
          </span>
        </p>
        <ChangeMe />
        <RoomSwitch key={roomCodeAsked} startOpen={roomCodeAsked > 0} />
        <p className="muted small you-id">
          Participant ID (for support) <code data-testid="my-participant-id">{me.id}</code>
        </p>
        <button type="button" className="btn btn-quiet" onClick={leave} data-testid="leave-event">
          Leave this event on this device
        </button>
      </section>
    </div>
  );
}

/** [ID6] Team and mode, changed by the attendee ([STAGE13]: the room needs its code when verified). */
function ChangeMe() {
  const { state, send } = useLive();
  const { event, me } = state;
  const [open, setOpen] = useState(false);
  const [team, setTeam] = useState(me.team ?? '');
  const [mode, setMode] = useState<Mode>(me.mode);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState('');
  const teamId = useId();

  function toggle() {
    setTeam(me.team ?? '');
    setMode(me.mode);
    setSaved('');
    setOpen((o) => !o);
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    const changes = {
      ...(team && team !== me.team ? { team } : {}),
      ...(mode !== me.mode ? { mode } : {}),
    };
    if (Object.keys(changes).length === 0) {
      setOpen(false);
      return;
    }
    setBusy(true);
    const ack = await send('participant:update', changes);
    setBusy(false);
    if (ack.ok) {
      setSaved('Saved');
      setOpen(false);
    }
  }

  return (
    <div className="change-me">
      <div className="row">
        <button type="button" className="btn" aria-expanded={open} aria-controls="change-me-form" onClick={toggle} data-testid="change-me">
          Change team or mode
        </button>
        <ModeBadge mode={me.mode} />
        <span aria-live="polite" className="muted small">
          {saved}
        </span>
      </div>
      {open ? (
        <form id="change-me-form" className="stack" onSubmit={save} data-testid="change-me-form">
          {event.teams.length > 0 ? (
            <div className="field">
              <label htmlFor={teamId}>Team</label>
              <select id={teamId} value={team} onChange={(e) => setTeam(e.target.value)} data-testid="change-team">
                {!me.team ? <option value="">Choose your team…</option> : null}
                {event.teams.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <ModeChoice value={mode} onChange={setMode} />
          <div className="row">
            <button type="submit" className="btn btn-primary" disabled={busy} data-testid="change-me-save">
              {busy ? 'Saving…' : 'Save'}
            </button>
            <button type="button" className="btn btn-quiet" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
