import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, useRef, useState, type ReactNode } from 'react';
import { ErrorCode, type Ack, type CommandName, type CommandResults, type FactPayload, type Participant, type PublicEvent, type RallyErrorBody } from '@rally/shared';
import { createRallySocket, followDrain, handshakeError, handshakeRetryDelayMs, send as sendCommand, type CommandFields, type RallySocket } from './socket';
import { reduce, type RallyState } from './state';
import { listenPollFacts, pollEventFromAck } from './pollState';
import { listenQaFacts, qaEventFromAck, votesMark } from './qaState';
import { listenStageFacts, stageEventFromAck } from './stageState';
import { engagementEventFromAck, listenEngagementFacts } from './engagementState';
import { listenSurveyFacts, surveyEventFromAck } from './surveyState';
import { listenQuizFacts, quizEventFromAck } from './quizState';
import { listenQuizPlayFacts, quizPlayEventFromAck } from './quizPlayState';
import { breakoutEventFromAck, listenBreakoutFacts } from './breakoutState';
import { useToasts } from './toasts';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'reload-required';

/** Why this token can no longer be used: the screen must drop it and say so. */
export type Fatal =
  | { kind: 'refused'; error: RallyErrorBody }
  | { kind: 'ended'; reason: FactPayload<'session:ended'>['reason']; message: string };

export interface SendOptions {
  /** Do not toast an error ack (the caller shows it in place). */
  quiet?: boolean;
}

interface RallyContextValue {
  connection: ConnectionState;
  state: RallyState | null;
  send: <N extends CommandName>(name: N, fields: CommandFields<N>, opts?: SendOptions) => Promise<Ack<CommandResults[N]>>;
}

const RallyContext = createContext<RallyContextValue | null>(null);

/** Handshake refusals after which this token is worthless. */
const TOKEN_FATAL = new Set<string>([ErrorCode.UNAUTHORIZED, ErrorCode.BANNED, ErrorCode.NOT_FOUND]);
/** Handshake refusals that retrying cannot fix. */
const NO_RETRY = new Set<string>([ErrorCode.ORIGIN_REJECTED, ErrorCode.FORBIDDEN, ErrorCode.BAD_REQUEST]);
/** A tab hidden longer than this may have missed deltas while the OS froze it. */
const STALE_AFTER_HIDDEN_MS = 30_000;

/**
 * Owns one socket for one token: connection state, the snapshot reduced with deltas, and `send`.
 * One provider per screen; unmounting it closes the socket.
 */
export function RallyProvider({ token, onFatal, children }: { token: string; onFatal: (f: Fatal) => void; children: ReactNode }) {
  const [state, dispatch] = useReducer(reduce, null);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  // [REL7] Commands waiting to be retried after UNAVAILABLE: the screen says "reconnecting" meanwhile.
  const [retrying, setRetrying] = useState(0);
  const onRetrying = useCallback((on: boolean) => setRetrying((n) => Math.max(0, n + (on ? 1 : -1))), []);
  const socketRef = useRef<RallySocket | null>(null);
  const toasts = useToasts();
  const onFatalRef = useRef(onFatal);
  onFatalRef.current = onFatal;
  // The latest state for `send`, which must not change identity with every delta.
  const stateRef = useRef(state);
  stateRef.current = state;

  useEffect(() => {
    const socket = createRallySocket(token);
    socketRef.current = socket;
    dispatch({ type: 'reset' });
    setConnection('connecting');

    let everLive = false;
    let stopped = false;
    let endedByServer = false;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let manualRetries = 0;
    let hiddenAt = 0;

    const stop = () => {
      stopped = true;
      clearTimeout(retryTimer);
      socket.disconnect();
    };
    const waiting = (): ConnectionState => (!navigator.onLine ? 'offline' : everLive ? 'reconnecting' : 'connecting');
    // Socket.IO reconnects on its own after network drops, but not after the server refused the
    // handshake or disconnected us itself: those retries are ours, with a capped backoff.
    const retryLater = (refusal: RallyErrorBody | null = null) => {
      if (stopped) return;
      clearTimeout(retryTimer);
      // [SEC9] A RATE_LIMITED refusal says when: not before its retryAfterMs.
      const delay = handshakeRetryDelayMs(manualRetries, refusal);
      manualRetries++;
      retryTimer = setTimeout(() => {
        if (!stopped && !socket.connected) socket.connect();
      }, delay);
    };

    socket.on('connect', () => {
      manualRetries = 0;
    });
    // [OPS35] A node shutting down: leave it after the delay it gave, for a node that is ready.
    const unfollowDrain = followDrain(socket);
    socket.on('snapshot', (snapshot) => {
      dispatch({ type: 'snapshot', snapshot, receivedAt: Date.now() });
      everLive = true;
      setConnection('live');
    });
    socket.on('presence:changed', (change) => dispatch({ type: 'presence', change }));
    socket.on('participant:updated', (participant) => dispatch({ type: 'participant', participant }));
    socket.on('event:updated', (event) => dispatch({ type: 'event', event }));
    listenPollFacts(socket, (event) => dispatch({ type: 'poll', event }));
    listenQaFacts(socket, (event) => dispatch({ type: 'qa', event }));
    listenStageFacts(socket, (event) => dispatch({ type: 'stage', event }));
    listenEngagementFacts(socket, (event) => dispatch({ type: 'engagement', event }));
    listenSurveyFacts(socket, (event) => dispatch({ type: 'survey', event }));
    listenQuizFacts(socket, (event) => dispatch({ type: 'quiz', event }));
    listenQuizPlayFacts(socket, (event) => dispatch({ type: 'quizPlay', event }));
    listenBreakoutFacts(socket, (event) => dispatch({ type: 'breakout', event }));
    socket.on('session:ended', ({ reason, message }) => {
      endedByServer = true;
      stop();
      setConnection('offline');
      onFatalRef.current({ kind: 'ended', reason, message });
    });

    socket.on('disconnect', (reason) => {
      if (stopped || reason === 'io client disconnect') return;
      setConnection(waiting());
      if (reason === 'io server disconnect' && !endedByServer) retryLater();
    });

    socket.on('connect_error', (err) => {
      if (stopped) return;
      const refusal = handshakeError(err);
      if (refusal?.code === ErrorCode.PROTOCOL_MISMATCH) {
        stop();
        setConnection('reload-required');
        return;
      }
      if (refusal && TOKEN_FATAL.has(refusal.code)) {
        stop();
        setConnection('offline');
        onFatalRef.current({ kind: 'refused', error: refusal });
        return;
      }
      if (refusal && NO_RETRY.has(refusal.code)) {
        stop();
        setConnection('offline');
        toasts.error(refusal.message);
        return;
      }
      setConnection(waiting());
      // A refused handshake leaves the socket inactive; a transport error keeps Socket.IO retrying.
      if (!socket.active) retryLater(refusal);
    });

    const onOffline = () => {
      if (!stopped) setConnection('offline');
    };
    const onOnline = () => {
      if (stopped) return;
      setConnection(socket.connected ? 'live' : waiting());
      if (!socket.connected && !socket.active) socket.connect();
    };
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') {
        hiddenAt = Date.now();
        return;
      }
      if (hiddenAt && Date.now() - hiddenAt > STALE_AFTER_HIDDEN_MS && socket.connected) {
        void sendCommand(socket, 'snapshot:request', {}).then((ack) => {
          if (ack.ok) dispatch({ type: 'snapshot', snapshot: ack.data, receivedAt: Date.now() });
        });
      }
      hiddenAt = 0;
    };
    window.addEventListener('offline', onOffline);
    window.addEventListener('online', onOnline);
    document.addEventListener('visibilitychange', onVisibility);

    socket.connect();
    return () => {
      window.removeEventListener('offline', onOffline);
      window.removeEventListener('online', onOnline);
      document.removeEventListener('visibilitychange', onVisibility);
      stopped = true;
      clearTimeout(retryTimer);
      unfollowDrain();
      socket.removeAllListeners();
      socket.disconnect();
      if (socketRef.current === socket) socketRef.current = null;
    };
    // toasts is stable (memoised by its provider).
  }, [token, toasts]);

  const send = useCallback(
    async <N extends CommandName>(name: N, fields: CommandFields<N>, opts: SendOptions = {}): Promise<Ack<CommandResults[N]>> => {
      const socket = socketRef.current;
      if (!socket) {
        const ack: Ack<CommandResults[N]> = { ok: false, error: { code: ErrorCode.UNAVAILABLE, message: 'Not connected to Rally yet.' } };
        if (!opts.quiet) toasts.error(ack.error.message);
        return ack;
      }
      // An upvote ack's count has no version: it applies only if no newer count came meanwhile.
      const mark = votesMark(stateRef.current?.qa);
      const ack = await sendCommand(socket, name, fields, { onRetrying });
      if (!ack.ok) {
        if (!opts.quiet) toasts.error(ack.error.message);
        return ack;
      }
      // Apply our own result at once; the matching broadcast, when it comes, changes nothing more.
      if (name === 'participant:update' || name === 'participant:correct' || name === 'participant:ban') {
        dispatch({ type: 'participant', participant: ack.data as Participant });
      }
      const pollEvent = pollEventFromAck(name, ack.data);
      if (pollEvent) dispatch({ type: 'poll', event: pollEvent });
      const qaEvent = qaEventFromAck(name, ack.data, mark);
      if (qaEvent) dispatch({ type: 'qa', event: qaEvent });
      const stageEvent = stageEventFromAck(name, ack.data);
      if (stageEvent) dispatch({ type: 'stage', event: stageEvent });
      const engagementEvent = engagementEventFromAck(name, ack.data);
      if (engagementEvent) dispatch({ type: 'engagement', event: engagementEvent });
      const surveyEvent = surveyEventFromAck(name, ack.data);
      if (surveyEvent) dispatch({ type: 'survey', event: surveyEvent });
      const quizEvent = quizEventFromAck(name, ack.data);
      if (quizEvent) dispatch({ type: 'quiz', event: quizEvent });
      const quizPlayEvent = quizPlayEventFromAck(name, ack.data, fields);
      if (quizPlayEvent) dispatch({ type: 'quizPlay', event: quizPlayEvent });
      const breakoutEvent = breakoutEventFromAck(name, ack.data);
      if (breakoutEvent) dispatch({ type: 'breakout', event: breakoutEvent });
      if (name === 'stage:setStream' || name === 'event:setBranding' || name === 'agenda:set') {
        dispatch({ type: 'event', event: ack.data as PublicEvent });
      }
      return ack;
    },
    [toasts, onRetrying],
  );

  // [REL7] Connected, but the server cannot reach its store: for the person it is the same wait.
  const shown: ConnectionState = connection === 'live' && retrying > 0 ? 'reconnecting' : connection;
  const value = useMemo<RallyContextValue>(() => ({ connection: shown, state, send }), [shown, state, send]);
  return <RallyContext.Provider value={value}>{children}</RallyContext.Provider>;
}

export function useRally(): RallyContextValue {
  const ctx = useContext(RallyContext);
  if (!ctx) throw new Error('useRally outside <RallyProvider>');
  return ctx;
}
