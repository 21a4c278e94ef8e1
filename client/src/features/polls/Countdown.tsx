import type { Poll } from '@rally/shared';
import { useRemaining } from './hooks';
import { mmss } from './model';

/** "0:42 left" until the poll's stored deadline, on the server clock; nothing without a deadline. */
export function Countdown({ poll, className = '' }: { poll: Poll; className?: string }) {
  const remaining = useRemaining(poll);
  if (remaining === null) return null;
  const urgent = remaining <= 10_000;
  return (
    <span className={`countdown ${urgent ? 'is-urgent' : ''} ${className}`} data-testid="poll-countdown" role="timer" aria-live="off">
      {remaining > 0 ? (
        <>
          {mmss(remaining)} <span className="countdown-unit">left</span>
        </>
      ) : (
        'Closing…'
      )}
    </span>
  );
}
