import { useCallback, useEffect, useRef, useState } from 'react';
import { ErrorCode, type Poll } from '@rally/shared';
import { useLive } from '../../components/EventGate';

/**
 * Milliseconds left before a poll's stored deadline, measured on the server clock (the offset taken
 * from the last snapshot), refreshed a few times a second; null without a deadline.
 */
export function useRemaining(poll: Poll): number | null {
  const { state } = useLive();
  const offset = state.clockOffsetMs;
  const closesAt = poll.state === 'live' && poll.closesAt ? Date.parse(poll.closesAt) : null;
  const compute = useCallback(() => (closesAt === null ? null : Math.max(0, closesAt - (Date.now() + offset))), [closesAt, offset]);
  const [remaining, setRemaining] = useState(compute);
  useEffect(() => {
    setRemaining(compute());
    if (closesAt === null) return;
    const t = setInterval(() => setRemaining(compute()), 250);
    return () => clearInterval(t);
  }, [compute, closesAt]);
  return remaining;
}

/**
 * One busy flag per action key for the lifecycle buttons, with the send wrapped: the button is
 * disabled while its command is in flight, the typed error (if any) is toasted by send.
 */
export function usePollCommands() {
  const { send } = useLive();
  const [busy, setBusy] = useState<string | null>(null);
  const busyRef = useRef<string | null>(null);

  const run = useCallback(async <T,>(key: string, fn: () => Promise<T>): Promise<T | undefined> => {
    if (busyRef.current) return undefined;
    busyRef.current = key;
    setBusy(key);
    try {
      return await fn();
    } finally {
      busyRef.current = null;
      setBusy(null);
    }
  }, []);

  const launch = useCallback((poll: Poll) => run(`launch:${poll.id}`, () => send('poll:launch', { pollId: poll.id })), [run, send]);
  const close = useCallback((poll: Poll) => run(`close:${poll.id}`, () => send('poll:close', { pollId: poll.id })), [run, send]);
  const reveal = useCallback((poll: Poll) => run(`reveal:${poll.id}`, () => send('poll:reveal', { pollId: poll.id })), [run, send]);

  return { busy, run, launch, close, reveal };
}

export const isNotFound = (code: string) => code === ErrorCode.NOT_FOUND;
