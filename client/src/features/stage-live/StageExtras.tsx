import { useEffect, useRef, useState, type CSSProperties } from 'react';
import { REACTIONS, stageOf, type Reaction } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { announcementShowing } from '../../lib/stageState';
import { FitBox } from '../stage/FitBox';
import { useServerNow } from './hooks';
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
 * [STAGE15] Each reaction burst floats up from the bottom of the projector's activity area (never
 * over the join panel): up to 8 of each emoji per burst; StageReactionTotals has the exact totals.
 * prefers-reduced-motion turns the float into a fade.
 */
export function ReactionBursts() {
  const { state } = useLive();
  const burst = state.stage.burst;
  const [floaters, setFloaters] = useState<Floater[]>([]);
  const nextKey = useRef(1);

  useEffect(() => {
    if (!burst) return;
    const added: Floater[] = [];
    for (const emoji of REACTIONS) {
      const n = burst.burst.counts[emoji] ?? 0;
      for (let i = 0; i < Math.min(n, MAX_PER_EMOJI); i++) {
        added.push({ key: nextKey.current++, emoji, left: 5 + Math.random() * 90, delay: Math.random() * 600 });
      }
    }
    if (added.length === 0) return;
    setFloaters((f) => [...f, ...added].slice(-80));
    const keys = new Set(added.map((a) => a.key));
    const timer = setTimeout(() => setFloaters((f) => f.filter((x) => !keys.has(x.key))), FLOAT_MS + 700);
    return () => clearTimeout(timer);
  }, [burst]);

  return (
    <div className="reaction-layer" aria-hidden="true" data-testid="reaction-layer">
      {floaters.map((f) => (
        <span key={f.key} className="reaction-float" style={{ left: `${f.left}%`, animationDelay: `${f.delay}ms` }} data-testid="reaction-float" data-emoji={f.emoji}>
          {f.emoji}
        </span>
      ))}
    </div>
  );
}

/** [STAGE15] The reactions counted since this screen opened, per emoji. */
export function StageReactionTotals() {
  const { state } = useLive();
  const burst = state.stage.burst;
  const [totals, setTotals] = useState<Partial<Record<Reaction, number>>>({});

  useEffect(() => {
    if (!burst) return;
    setTotals((t) => {
      const copy = { ...t };
      for (const emoji of REACTIONS) {
        const n = burst.burst.counts[emoji] ?? 0;
        if (n > 0) copy[emoji] = (copy[emoji] ?? 0) + n;
      }
      return copy;
    });
  }, [burst]);

  if (Object.keys(totals).length === 0) return null;
  return (
    <p className="stage-reaction-totals" data-testid="stage-reaction-totals">
      {REACTIONS.filter((e) => totals[e]).map((e) => (
        <span key={e} data-emoji={e}>
          {e} {totals[e]}
        </span>
      ))}
    </p>
  );
}

/**
 * [STAGE16] [STAGE34] [STAGE43] An announcement for the room, on the projector too: a band of its
 * own between the header and the activity, never over the activity or the QR code, at most a few
 * lines high (the text scales down to fit it). Gone once cleared or past its lifetime.
 */
export function StageAnnouncement() {
  const { state } = useLive();
  const now = useServerNow(1000);
  const a = announcementShowing(state.stage, now);
  if (!a) return null;
  return (
    <FitBox className="stage-announcement-band">
      <p className="stage-announcement" data-testid="stage-announcement">
        <span aria-hidden="true">📣 </span>
        {a.text}
      </p>
    </FitBox>
  );
}
