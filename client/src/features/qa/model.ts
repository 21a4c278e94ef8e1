import { ErrorCode, QA_LIMITS, sortQuestions, textLength, type OriginKind, type QuestionOrigin, type QuestionSort, type QuestionState, type QuestionView } from '@rally/shared';
import { withLiveVotes, type QaState } from '../../lib/qaState';

/** Pure selectors and labels for the Q&A screens. Sorting and fairness come from @rally/shared. */

export const ORIGIN_LABEL: Record<OriginKind, string> = { room: 'Room', remote: 'Remote', breakout: 'Breakout' };

export const STATE_LABEL: Record<QuestionState, string> = {
  pending: 'Pending',
  approved: 'Approved',
  answered: 'Answered',
  dismissed: 'Dismissed',
};

export const SORT_LABEL: Record<QuestionSort, string> = { popular: 'Most votes', recent: 'Newest' };

/** A session filter: one agenda session, questions asked outside any session, or everything. */
export type SessionFilter = { kind: 'all' } | { kind: 'session'; sessionId: string | null };

export const matchesSession = (q: Pick<QuestionView, 'sessionId'>, f: SessionFilter): boolean => f.kind === 'all' || q.sessionId === f.sessionId;

/** Select values for a SessionFilter ('' is not a valid id, so it can name "outside the agenda"). */
export const sessionFilterValue = (f: SessionFilter): string => (f.kind === 'all' ? '*' : (f.sessionId ?? ''));
export const sessionFilterFrom = (v: string): SessionFilter => (v === '*' ? { kind: 'all' } : { kind: 'session', sessionId: v === '' ? null : v });

/** Every question held, with live counts, filtered and sorted. */
export function questionList(
  qa: QaState,
  opts: { states?: readonly QuestionState[]; session?: SessionFilter; origin?: OriginKind | 'all'; mine?: boolean; sort: QuestionSort },
): QuestionView[] {
  const qs = Object.values(qa.byId).filter(
    (q) =>
      (!opts.states || opts.states.includes(q.state)) &&
      (!opts.session || matchesSession(q, opts.session)) &&
      (!opts.origin || opts.origin === 'all' || q.origin.kind === opts.origin) &&
      (opts.mine === undefined || !!q.mine === opts.mine),
  );
  return sortQuestions(withLiveVotes(qa, qs), opts.sort);
}

/** How many characters are left, counted as the server counts them ([QA1]). */
export function charsLeft(text: string, limit: number = QA_LIMITS.text): number {
  return limit - textLength(text.trim());
}

/** Client-side check of question / reply text before sending (the server checks again). */
export function textProblem(text: string, limit: number, what = 'question'): string | null {
  const t = text.trim();
  if (!t) return `Write your ${what} first.`;
  if (textLength(t) > limit) return `Your ${what} is ${textLength(t) - limit} characters too long (at most ${limit}).`;
  return null;
}

/** The inline message for a refused `question:submit` ([QA19] [QA20] [QA21]). */
export function askErrorMessage(error: { code: string; message: string }, sentence: (m: string) => string): string {
  switch (error.code) {
    case ErrorCode.RATE_LIMITED:
      return `Slow down. ${sentence(error.message)}`;
    case ErrorCode.CONFLICT:
      return `${sentence(error.message)} If it is a different question, change the wording.`;
    case ErrorCode.BANNED:
      return `${sentence(error.message)} You can still read and upvote questions.`;
    default:
      return sentence(error.message);
  }
}

export function originLabel(o: QuestionOrigin): string {
  if (o.kind !== 'breakout') return ORIGIN_LABEL[o.kind];
  return `Breakout (${o.cohort === 'room' ? 'room' : 'remote'} attendee)`;
}

export const votesText = (n: number) => `${n} ${n === 1 ? 'vote' : 'votes'}`;

/** A short form of a question for accessible names ("Approve “How do we …”"). */
export function excerpt(text: string, max = 60): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(oneLine);
  return chars.length <= max ? oneLine : `${chars.slice(0, max - 1).join('')}…`;
}

export function timeOf(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** 0..1 → "40%"; null → "—". */
export const percent = (share: number | null) => (share === null ? '—' : `${Math.round(share * 100)}%`);
