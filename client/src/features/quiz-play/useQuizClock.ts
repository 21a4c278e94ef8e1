import { useEffect, useState } from 'react';
import { useLive } from '../../components/EventGate';
import { remainingMs } from './model';

/** [UI53] Milliseconds until `at` on the server clock (the snapshot's offset), refreshed 4× a second. */
export function useUntil(at: string | null): number | null {
  const { state } = useLive();
  const offset = state.clockOffsetMs;
  const compute = () => (at ? remainingMs(at, Date.now(), offset) : null);
  const [left, setLeft] = useState(compute);
  useEffect(() => {
    setLeft(compute());
    if (!at) return;
    const t = setInterval(() => setLeft(compute()), 250);
    return () => clearInterval(t);
    // compute reads only at and offset.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [at, offset]);
  return left;
}

/** Whole seconds left, rounded up: "3, 2, 1", never a premature 0. */
export function secondsLeft(ms: number | null): number | null {
  return ms === null ? null : Math.ceil(ms / 1000);
}
