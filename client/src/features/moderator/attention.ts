import type { RallyState } from '../../lib/state';

/**
 * [UI12] What waits for a moderator, counted from the state every screen already holds. Each kind
 * is one source; a console section lists the kinds it deals with and its nav entry shows their sum
 * from every section. Help requests (breakouts) become one more entry here.
 */
export type AttentionKind = 'pendingQuestions' | 'breakoutHelp';

interface AttentionSource {
  count(state: RallyState): number;
  /** Said to screen readers beside the badge: "3 questions waiting for approval". */
  describe(n: number): string;
}

export const ATTENTION: Record<AttentionKind, AttentionSource> = {
  pendingQuestions: {
    count: (s) => {
      let n = 0;
      for (const q of Object.values(s.qa.byId)) if (q.state === 'pending') n++;
      return n;
    },
    describe: (n) => `${n} ${n === 1 ? 'question' : 'questions'} waiting for approval`,
  },
  // [BRK16] Help requests from breakout rooms that no moderator has taken yet.
  breakoutHelp: {
    count: (s) => s.breakouts.help.filter((h) => !h.takenBy).length,
    describe: (n) => `${n} breakout ${n === 1 ? 'room asks' : 'rooms ask'} for help`,
  },
};

export interface Attention {
  count: number;
  /** Empty when nothing waits. */
  description: string;
}

/** The sum over `kinds`, and the words for each kind that has something waiting. */
export function attentionOf(kinds: readonly AttentionKind[], state: RallyState): Attention {
  let count = 0;
  const parts: string[] = [];
  for (const k of kinds) {
    const n = ATTENTION[k].count(state);
    if (n === 0) continue;
    count += n;
    parts.push(ATTENTION[k].describe(n));
  }
  return { count, description: parts.join(', ') };
}
