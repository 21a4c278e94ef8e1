import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { ErrorCode, type StageStream, type StreamToken } from '@rally/shared';
import { useLive } from '../../components/EventGate';

const LivekitView = lazy(() => import('./LivekitView'));

type PlayerStatus = 'loading' | 'playing' | 'reconnecting' | 'unavailable';

/** [STAGE2] How remote attendees watch: HLS, LiveKit or nothing. */
export function StreamPlayer({ stream }: { stream: StageStream }) {
  if (stream.kind === 'hls') return <HlsPlayer key={stream.url} url={stream.url} />;
  if (stream.kind === 'livekit') return <LivekitPlayer key={stream.roomName} roomName={stream.roomName} />;
  return null;
}

const STALL_MS = 8000;
const MAX_BACKOFF_MS = 15_000;

function statusText(s: PlayerStatus): string {
  switch (s) {
    case 'loading':
      return 'Connecting to the stream…';
    case 'playing':
      return '';
    case 'reconnecting':
      return 'The stream stalled. Reconnecting…';
    case 'unavailable':
      return 'The stream is unavailable right now. Reconnecting automatically…';
  }
}

/**
 * HLS through hls.js (Media Source Extensions), or the browser's own HLS on Safari. Fatal errors
 * and stalls tear the player down and start again with a capped backoff, so a venue encoder that
 * restarts comes back without anyone reloading.
 */
function HlsPlayer({ url }: { url: string }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const [status, setStatus] = useState<PlayerStatus>('loading');
  const [generation, setGeneration] = useState(0);
  const restart = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    let cancelled = false;
    let destroy: () => void = () => {};
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let stallTimer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let lastTime = -1;

    const scheduleRetry = (why: PlayerStatus) => {
      if (cancelled) return;
      setStatus(why);
      clearTimeout(retryTimer);
      const delay = Math.min(1000 * 2 ** failures, MAX_BACKOFF_MS);
      failures++;
      retryTimer = setTimeout(() => {
        destroy();
        void start();
      }, delay);
    };
    const armStallWatch = () => {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => {
        if (cancelled) return;
        if (video.currentTime === lastTime || video.readyState < 3) scheduleRetry('reconnecting');
      }, STALL_MS);
    };
    const onPlaying = () => {
      failures = 0;
      setStatus('playing');
    };
    const onProgress = () => {
      if (video.currentTime !== lastTime) {
        lastTime = video.currentTime;
        if (!video.paused) setStatus('playing');
      }
    };
    const onWaiting = () => armStallWatch();
    const onEnded = () => scheduleRetry('unavailable');
    video.addEventListener('playing', onPlaying);
    video.addEventListener('timeupdate', onProgress);
    video.addEventListener('waiting', onWaiting);
    video.addEventListener('stalled', onWaiting);
    video.addEventListener('ended', onEnded);

    const tryPlay = () => {
      video.play().catch(() => {
        /* autoplay refused: the controls are there */
      });
    };

    async function start() {
      if (cancelled) return;
      setStatus((s) => (s === 'playing' ? 'reconnecting' : s));
      const { default: Hls } = await import('hls.js');
      if (cancelled) return;
      const nativeHls = video!.canPlayType('application/vnd.apple.mpegurl') !== '';
      const isSafari = /^((?!chrome|android|crios|fxios).)*safari/i.test(navigator.userAgent);
      if (nativeHls && (isSafari || !Hls.isSupported())) {
        const onError = () => scheduleRetry('unavailable');
        video!.addEventListener('error', onError);
        video!.src = url;
        tryPlay();
        destroy = () => {
          video!.removeEventListener('error', onError);
          video!.removeAttribute('src');
          video!.load();
        };
        return;
      }
      if (!Hls.isSupported()) {
        setStatus('unavailable');
        return;
      }
      const hls = new Hls({ lowLatencyMode: true, backBufferLength: 30 });
      hls.on(Hls.Events.MANIFEST_PARSED, tryPlay);
      hls.on(Hls.Events.ERROR, (_e, data) => {
        if (!data.fatal) return;
        if (data.type === Hls.ErrorTypes.MEDIA_ERROR && failures < 2) {
          failures++;
          hls.recoverMediaError();
          return;
        }
        scheduleRetry(data.type === Hls.ErrorTypes.NETWORK_ERROR ? 'unavailable' : 'reconnecting');
      });
      hls.loadSource(url);
      hls.attachMedia(video!);
      destroy = () => hls.destroy();
    }

    void start();
    return () => {
      cancelled = true;
      clearTimeout(retryTimer);
      clearTimeout(stallTimer);
      video.removeEventListener('playing', onPlaying);
      video.removeEventListener('timeupdate', onProgress);
      video.removeEventListener('waiting', onWaiting);
      video.removeEventListener('stalled', onWaiting);
      video.removeEventListener('ended', onEnded);
      destroy();
    };
  }, [url, generation]);

  const text = statusText(status);
  return (
    <div className="stream" data-testid="stream" data-kind="hls" data-status={status}>
      <video ref={videoRef} className="stream-video" controls muted autoPlay playsInline aria-label="Live stage stream" data-testid="stream-video" />
      <div className="stream-status" role="status" aria-live="polite">
        {text ? (
          <p className={status === 'loading' ? 'muted' : 'stream-problem'} data-testid="stream-status">
            {text}{' '}
            {status !== 'loading' ? (
              <button type="button" className="btn btn-small" onClick={restart}>
                Retry now
              </button>
            ) : null}
          </p>
        ) : null}
      </div>
    </div>
  );
}

type LivekitState = { kind: 'loading' } | { kind: 'ready'; token: StreamToken } | { kind: 'unconfigured' } | { kind: 'error'; message: string };

/** [STAGE3] A subscribe-only LiveKit view: a token from the server, renewed before it expires. */
function LivekitPlayer({ roomName }: { roomName: string }) {
  const { send } = useLive();
  const [state, setState] = useState<LivekitState>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    let renew: ReturnType<typeof setTimeout> | undefined;
    void send('stage:streamToken', {}, { quiet: true }).then((ack) => {
      if (cancelled) return;
      if (!ack.ok) {
        if (ack.error.code === ErrorCode.UNAVAILABLE && /configured/i.test(ack.error.message)) setState({ kind: 'unconfigured' });
        else {
          setState({ kind: 'error', message: ack.error.message });
          renew = setTimeout(() => setAttempt((n) => n + 1), 10_000);
        }
        return;
      }
      setState({ kind: 'ready', token: ack.data });
      const ms = Date.parse(ack.data.expiresAt) - Date.now() - 60_000;
      renew = setTimeout(() => setAttempt((n) => n + 1), Math.max(30_000, ms));
    });
    return () => {
      cancelled = true;
      clearTimeout(renew);
    };
  }, [send, roomName, attempt]);

  return (
    <div className="stream" data-testid="stream" data-kind="livekit">
      {state.kind === 'ready' ? (
        <Suspense fallback={<p className="muted">Loading the live video…</p>}>
          <LivekitView serverUrl={state.token.url} token={state.token.token} onFailed={() => setAttempt((n) => n + 1)} />
        </Suspense>
      ) : (
        <div className="stream-status" role="status">
          {state.kind === 'loading' ? <p className="muted">Connecting to the live video…</p> : null}
          {state.kind === 'unconfigured' ? (
            <p className="stream-problem" data-testid="stream-status">
              Live video is not configured on this server.
            </p>
          ) : null}
          {state.kind === 'error' ? (
            <p className="stream-problem" data-testid="stream-status">
              The live video is unavailable ({state.message}). Retrying…
            </p>
          ) : null}
        </div>
      )}
    </div>
  );
}
