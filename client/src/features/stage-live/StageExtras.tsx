import { useEffect, useRef, useState, type CSSProperties } from 'react';
import { REACTIONS, stageOf, type Reaction } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import './stage-live.css';

/** [STAGE4] The event's colours as CSS custom properties, for the element that wraps a screen. */
export function useBrandingStyle(): CSSProperties {
  const { state } = useLive();
  const { branding } = stageOf(state.event);
  return { '--brand-primary': branding.primaryColor, '--brand-accent': branding.accentColor } as CSSProperties;
}

/** [STAGE4] The event's logo, when it has one. */
export function StageLogo() {
  const { state } = useLive();
  const { branding } = stageOf(state.event);
  if (!branding.logoUrl) return null;
  return <img className="stage-logo" src={branding.logoUrl} alt={`${state.event.name} logo`} data-testid="stage-logo" />;
}

/** [STAGE10] [STAGE11] The rotating 4-character room code that proves someone is at the venue. */
export function StageRoomCode() {
  const { state } = useLive();
  const rc = state.stage.roomCode;
  if (!rc) return null;
  return (
    <div className="stage-room" aria-label="Room code">
      <p className="stage-label">In the room? Room code</p>
      <p className="stage-room-code" data-testid="stage-room-code" aria-label={`Room code ${rc.code.split('').join(' ')}`}>
        {rc.code}
      </p>
    </div>
  );
}

/** [STAGE9] Remote attendees watching now. */
export function StageRemoteWatching() {
  const { state } = useLive();
  const n = state.presence?.counts.remote;
  if (n === undefined) return null;
  return (
    <p className="stage-watching" data-testid="stage-remote-watching">
      <strong>{n}</strong> watching remotely now
    </p>
  );
}

interface Floater {
  key: number;
  emoji: Reaction;
  left: number;
  delay: number;
}

const FLOAT_MS = 3200;
const MAX_PER_EMOJI = 8;

/**
 * [STAGE15] Each reaction burst floats up from the bottom of the projector: up to 8 of each emoji
 * per burst, the exact totals in a counter. prefers-reduced-motion turns the float into a fade.
 */
export function ReactionBursts() {
  const { state } = useLive();
  const burst = state.stage.burst;
  const [floaters, setFloaters] = useState<Floater[]>([]);
  const [totals, setTotals] = useState<Partial<Record<Reaction, number>>>({});
  const nextKey = useRef(1);

  useEffect(() => {
    if (!burst) return;
    const added: Floater[] = [];
    const sums: Partial<Record<Reaction, number>> = {};
    for (const emoji of REACTIONS) {
      const n = burst.burst.counts[emoji] ?? 0;
      if (n <= 0) continue;
      sums[emoji] = n;
      for (let i = 0; i < Math.min(n, MAX_PER_EMOJI); i++) {
        added.push({ key: nextKey.current++, emoji, left: 5 + Math.random() * 90, delay: Math.random() * 600 });
      }
    }
    if (added.length === 0) return;
    setFloaters((f) => [...f, ...added].slice(-80));
    setTotals((t) => {
      const copy = { ...t };
      for (const [e, n] of Object.entries(sums)) copy[e as Reaction] = (copy[e as Reaction] ?? 0) + (n ?? 0);
      return copy;
    });
    const keys = new Set(added.map((a) => a.key));
    const timer = setTimeout(() => setFloaters((f) => f.filter((x) => !keys.has(x.key))), FLOAT_MS + 700);
    return () => clearTimeout(timer);
  }, [burst]);

  return (
    <>
      <div className="reaction-layer" aria-hidden="true" data-testid="reaction-layer">
        {floaters.map((f) => (
          <span key={f.key} className="reaction-float" style={{ left: `${f.left}%`, animationDelay: `${f.delay}ms` }} data-testid="reaction-float" data-emoji={f.emoji}>
            {f.emoji}
          </span>
        ))}
      </div>
      {Object.keys(totals).length > 0 ? (
        <p className="stage-reaction-totals" data-testid="stage-reaction-totals">
          {REACTIONS.filter((e) => totals[e]).map((e) => (
            <span key={e} data-emoji={e}>
              {e} {totals[e]}
            </span>
          ))}
        </p>
      ) : null}
    </>
  );
}

/** [STAGE16] An announcement for the room, on the projector too. */
export function StageAnnouncement() {
  const { state } = useLive();
  const a = state.stage.announcement;
  if (!a) return null;
  const recent = Date.now() + state.clockOffsetMs - Date.parse(a.at) < 10 * 60_000;
  if (!recent) return null;
  return (
    <p className="stage-announcement" data-testid="stage-announcement">
      📣 {a.text}
    </p>
  );
}
