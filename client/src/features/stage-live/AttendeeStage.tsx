import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { REACTIONS, RoomCode, stageOf, type Reaction } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { Notice } from '../../components/Layout';
import { announcementShowing } from '../../lib/stageState';
import { sentence } from '../../lib/text';
import { StreamPlayer } from './StreamPlayer';
import { loadDismissed, saveDismissed, useServerNow } from './hooks';
import { roomCodeFromSearch, takeJoinNotice } from './joinNotice';
import './stage-live.css';

const REACTION_LABEL: Record<Reaction, string> = {
  '👏': 'Applause',
  '🔥': 'Fire',
  '🎉': 'Celebrate',
  '💡': 'Insightful',
  '❤️': 'Love',
};

/**
 * [STAGE16] [STAGE17] The latest announcement meant for me, until I dismiss it, the moderators
 * clear it, or its lifetime runs out ([STAGE34], on the server's clock).
 */
export function AnnouncementBanner() {
  const { state } = useLive();
  const now = useServerNow(1000);
  const a = announcementShowing(state.stage, now);
  const [dismissed, setDismissed] = useState<string | null>(() => loadDismissed());
  const visible = a && a.id !== dismissed ? a : null;
  return (
    <div aria-live="polite" className="announcement-slot">
      {visible ? (
        <div className="announcement" role="region" aria-label="Announcement" data-testid="announcement">
          <span aria-hidden="true" className="announcement-icon">
            📣
          </span>
          <p className="announcement-text" data-testid="announcement-text">
            {visible.text}
          </p>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => {
              saveDismissed(visible.id);
              setDismissed(visible.id);
            }}
            aria-label="Dismiss announcement"
            data-testid="announcement-dismiss"
          >
            Dismiss
          </button>
        </div>
      ) : null}
    </div>
  );
}

/**
 * [STAGE12] Why the join asked for the room and got remote. Shown once, after the join; `action`
 * (the way to enter the room code now) sits beside its OK.
 */
export function JoinNoticeBanner({ code, action }: { code: string; action?: ReactNode }) {
  const [notice, setNotice] = useState(() => takeJoinNotice(code));
  if (!notice) return null;
  return (
    <div className="join-notice" data-testid="join-notice" data-reason={notice.reason}>
      <Notice kind="warn" title="You joined as remote">
        {sentence(notice.message)}
        <span className="join-notice-actions">
          {action}
          <button type="button" className="btn btn-small" onClick={() => setNotice(null)}>
            OK
          </button>
        </span>
      </Notice>
    </div>
  );
}

/** Whether this participant may switch to the room with the stage's room code ([STAGE13]). */
export function canEnterRoomCode(state: ReturnType<typeof useLive>['state']): boolean {
  return state.me.mode === 'remote' && state.me.role === 'attendee' && state.event.settings.verifyRoomMode !== false;
}

/**
 * [STAGE13] A remote attendee who is actually at the venue proves it with the room code.
 * `startOpen`: the form is asked for (from the join notice), so it opens with the field focused.
 */
export function RoomSwitch({ startOpen = false }: { startOpen?: boolean }) {
  const { state, send } = useLive();
  const [code, setCode] = useState(() => roomCodeFromSearch(window.location.search));
  const [open, setOpen] = useState(() => startOpen || code !== '');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (startOpen) input.current?.focus();
  }, [startOpen]);
  // Without verification the ordinary "Change team or mode" form switches freely.
  if (!canEnterRoomCode(state)) return null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = RoomCode.safeParse(code);
    if (!parsed.success) {
      setError(sentence(parsed.error.issues[0]?.message ?? 'Enter the room code'));
      document.getElementById(id)?.focus();
      return;
    }
    setBusy(true);
    const ack = await send('participant:update', { mode: 'room', roomCode: parsed.data }, { quiet: true });
    setBusy(false);
    if (!ack.ok) {
      setError(sentence(ack.error.message));
      return;
    }
    setError('');
    setOpen(false);
  }

  return (
    <div className="room-switch">
      {!open ? (
        <button type="button" className="btn" onClick={() => setOpen(true)} aria-expanded={false} data-testid="room-switch-open">
          I’m in the room
        </button>
      ) : (
        <form className="row room-switch-form" onSubmit={submit} noValidate data-testid="room-switch-form">
          <div className="field">
            <label htmlFor={id}>Room code (shown on the stage screen)</label>
            <input
              ref={input}
              id={id}
              value={code}
              onChange={(e) => setCode(e.target.value.toUpperCase())}
              maxLength={8}
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              className="room-code-input"
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${id}-err` : undefined}
              data-testid="room-switch-code"
            />
            {error ? (
              <p id={`${id}-err`} className="field-error" role="alert">
                {error}
              </p>
            ) : null}
          </div>
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="room-switch-submit">
            {busy ? 'Checking…' : 'Switch to in the room'}
          </button>
          <button type="button" className="btn btn-quiet" onClick={() => setOpen(false)}>
            Cancel
          </button>
        </form>
      )}
    </div>
  );
}

/** [STAGE14] Five reactions; over the limit the server's RATE_LIMITED message is toasted. */
export function ReactionsBar() {
  const { state, send } = useLive();
  const [sent, setSent] = useState('');
  if (state.me.role !== 'attendee') return null;
  async function react(emoji: Reaction) {
    const ack = await send('reaction:send', { emoji });
    if (ack.ok) setSent(`Sent ${REACTION_LABEL[emoji]}`);
  }
  return (
    <section className="card reactions" aria-labelledby="reactions-heading" data-testid="reactions-bar">
      <h2 id="reactions-heading" className="visually-hidden">
        React
      </h2>
      <div className="reaction-buttons" role="group" aria-label="Reactions">
        {REACTIONS.map((emoji) => (
          <button key={emoji} type="button" className="reaction-btn" onClick={() => void react(emoji)} aria-label={REACTION_LABEL[emoji]} data-testid="reaction" data-emoji={emoji}>
            <span aria-hidden="true">{emoji}</span>
          </button>
        ))}
      </div>
      <span className="visually-hidden" aria-live="polite">
        {sent}
      </span>
    </section>
  );
}

/**
 * [STAGE2] Remote attendees see the stream beside the current activity; in the room (or with no
 * stream) the activity alone. [UI30] The activity comes first in the page, so on a phone (stacked)
 * it is above the stream; wide screens put the stream on the left.
 */
export function StageWithActivity({ children }: { children: ReactNode }) {
  const { state } = useLive();
  const { stream } = stageOf(state.event);
  const watch = state.me.mode === 'remote' && stream.kind !== 'none';
  if (!watch) return <>{children}</>;
  return (
    <div className="stage-live-grid" data-testid="stage-live">
      <div className="stage-live-activity">{children}</div>
      <section className="card stream-card" aria-labelledby="stream-heading">
        <h2 id="stream-heading">Live stream</h2>
        <StreamPlayer stream={stream} />
      </section>
    </div>
  );
}
