import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import type { BreakoutVideoToken } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { sentence } from '../../lib/text';

const RoomCall = lazy(() => import('./RoomCall'));

/** Ask again this long before the token expires ([BRK40]: tokens are short-lived). */
const RENEW_BEFORE_MS = 60_000;

/**
 * [BRK75] The room's video call: with video on this server, a `breakout:videoToken` (renewed before it
 * expires) and the LiveKit call, loaded only when needed; without it, one plain line. [BRK45] An
 * attendee's place usually arrives with its token: then it is used, and only the renewal is asked for.
 */
export function RoomVideo({ roundId, roomId, asStaff = false }: { roundId: string; roomId: string; asStaff?: boolean }) {
  const { state, send } = useLive();
  const video = state.breakouts.video;
  const [token, setToken] = useState<BreakoutVideoToken | null>(null);
  const [error, setError] = useState('');
  const [joined, setJoined] = useState(!asStaff);
  // Read when the room changes, not a reason to reconnect: a rotation resends the place with a fresh token.
  const given = useRef<BreakoutVideoToken | undefined>(undefined);
  given.current = asStaff ? undefined : state.breakouts.me?.video;

  useEffect(() => {
    if (!video || !joined) return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const use = (t: BreakoutVideoToken) => {
      setError('');
      setToken(t);
      const wait = Math.max(5_000, Date.parse(t.expiresAt) - Date.now() - RENEW_BEFORE_MS);
      timer = setTimeout(() => void fetchToken(), wait);
    };
    const fetchToken = async () => {
      const ack = await send('breakout:videoToken', { roundId, ...(asStaff ? { roomId } : {}) }, { quiet: true });
      if (stop) return;
      if (!ack.ok) {
        setError(sentence(ack.error.message));
        return;
      }
      use(ack.data);
    };
    const t = given.current;
    if (t && t.roomId === roomId && Date.parse(t.expiresAt) - Date.now() > RENEW_BEFORE_MS) use(t);
    else void fetchToken();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [video, joined, roundId, roomId, asStaff, send]);

  if (!video) {
    // Staff read it once at the top of their section.
    if (asStaff) return null;
    return (
      <p className="muted brk-video-off" data-testid="brk-video-off">
        Video is off on this server. Use the room chat below.
      </p>
    );
  }
  if (!joined) {
    return (
      <button type="button" className="btn btn-small" onClick={() => setJoined(true)} data-testid="brk-video-join">
        Join this room’s video
      </button>
    );
  }
  return (
    <div className="brk-video" data-testid="brk-video">
      {error ? <p className="field-error">{error}</p> : null}
      {token ? (
        <Suspense fallback={<p className="muted">Connecting the video…</p>}>
          {/* [BRK84] A fresh call per LiveKit room: livekit-client's connect() is a no-op while still
              connected, so a new room's token handed to the old room's call (the move's token arriving before
              LiveKit drops her from the old room) would leave her in no call at all. A renewed token for the
              same room keeps the call. */}
          <RoomCall key={token.roomName} serverUrl={token.url} token={token.token} publish={token.canPublish} />
        </Suspense>
      ) : error ? null : (
        <p className="muted">Connecting the video…</p>
      )}
    </div>
  );
}
