import { useEffect, useState } from 'react';
import { useLive } from '../../components/EventGate';

/** The server clock now (client clock + the snapshot's offset), ticking every `everyMs`. */
export function useServerNow(everyMs = 1000): number {
  const { state } = useLive();
  const offset = state.clockOffsetMs;
  const [now, setNow] = useState(() => Date.now() + offset);
  useEffect(() => {
    setNow(Date.now() + offset);
    const t = setInterval(() => setNow(Date.now() + offset), everyMs);
    return () => clearInterval(t);
  }, [offset, everyMs]);
  return now;
}

const DISMISSED_KEY = 'rally:dismissed-announcement';

export function loadDismissed(): string | null {
  try {
    return localStorage.getItem(DISMISSED_KEY);
  } catch {
    return null;
  }
}

export function saveDismissed(id: string): void {
  try {
    localStorage.setItem(DISMISSED_KEY, id);
  } catch {
    /* storage unavailable: dismissed for this page load only */
  }
}
