import { useCallback, useRef, useState } from 'react';
import type { CommandName, Question, QuestionOrigin } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import type { CommandFields } from '../../lib/socket';
import { charsLeft, ORIGIN_LABEL, timeOf } from './model';

/**
 * Small pieces every Q&A screen shares. Question text, names and replies are always rendered as
 * React text nodes ([QA2]): markup typed into a question is shown literally, never interpreted.
 */

/** [QA4] Where a question came from: Room, Remote or Breakout (with the asker's cohort). */
export function OriginBadge({ origin, className = '' }: { origin: QuestionOrigin; className?: string }) {
  const cohort = origin.kind === 'breakout' ? ` (${origin.cohort === 'room' ? 'room' : 'remote'} attendee)` : '';
  return (
    <span className={`badge badge-origin badge-origin-${origin.kind} ${className}`} data-testid="origin-badge" data-origin={origin.kind}>
      <span className="visually-hidden">Asked from: </span>
      {ORIGIN_LABEL[origin.kind]}
      {cohort ? <span className="visually-hidden">{cohort}</span> : null}
    </span>
  );
}

export function authorOf(q: Pick<Question, 'anonymous' | 'authorName'>): string {
  return q.anonymous || !q.authorName ? 'Anonymous' : q.authorName;
}

export function QuestionTextBlock({ q, className = 'qa-text' }: { q: Pick<Question, 'text'>; className?: string }) {
  return (
    <p className={className} data-testid="question-text">
      {q.text}
    </p>
  );
}

export function ReplyBlock({ reply }: { reply: string | null }) {
  if (!reply) return null;
  return (
    <div className="qa-reply" data-testid="question-reply">
      <span className="qa-reply-label">Answer from the moderators</span>
      <p>{reply}</p>
    </div>
  );
}

export function QuestionTime({ iso }: { iso: string }) {
  const t = timeOf(iso);
  return t ? <time dateTime={iso}>{t}</time> : null;
}

/** A character counter counted as the server counts ([QA1]); polite announcements near the limit only. */
export function CharCounter({ id, text, limit }: { id: string; text: string; limit: number }) {
  const left = charsLeft(text, limit);
  const used = limit - left;
  const near = left <= 20;
  return (
    <>
      <span id={id} className={`qa-counter ${left < 0 ? 'is-over' : near ? 'is-near' : ''}`} data-testid="char-counter">
        {used} / {limit}
      </span>
      <span className="visually-hidden" aria-live="polite">
        {left < 0 ? `${-left} characters too many` : near ? `${left} characters left` : ''}
      </span>
    </>
  );
}

/**
 * One command at a time per component, the button disabled while it runs. Error acks are toasted
 * by `send` (CONFLICT from a race among moderators included) unless `quiet`.
 */
export function useQaCommand() {
  const { send } = useLive();
  const [busy, setBusy] = useState<string | null>(null);
  const busyRef = useRef<string | null>(null);
  const run = useCallback(
    async <N extends CommandName>(key: string, name: N, fields: CommandFields<N>, opts: { quiet?: boolean } = {}) => {
      if (busyRef.current) return null;
      busyRef.current = key;
      setBusy(key);
      try {
        return await send(name, fields, opts);
      } finally {
        busyRef.current = null;
        setBusy(null);
      }
    },
    [send],
  );
  return { busy, run };
}

/** A vote count that is not a button (answered questions, staff screens). */
export function VoteCountStatic({ votes, big = false }: { votes: number; big?: boolean }) {
  return (
    <span className={`qa-votes-static ${big ? 'qa-votes-big' : ''}`}>
      <span data-testid="vote-count">{votes}</span>
      <span className="visually-hidden"> {votes === 1 ? 'vote' : 'votes'}</span>
    </span>
  );
}
