import type { CommandName, CommandResults, FactPayload, Poll, PollAnswer, PollLaunched, PollResults, PollState, Snapshot, VoteInput, VoteReceipt } from '@rally/shared';
import type { RallySocket } from './socket';

/**
 * The polls part of the client state: every poll this principal may know, the results it may see
 * (highest version wins), its own votes and, for moderators, the open-text answers.
 */
export interface PollsState {
  byId: Record<string, Poll>;
  results: Record<string, PollResults>;
  myVotes: Record<string, VoteInput>;
  /** Open-text answers by answer id (moderators and organisers only). */
  answers: Record<string, PollAnswer>;
}

/** Poll facts from the server, plus what the client learns from its own acks. */
export type PollEvent =
  | { name: 'poll:created' | 'poll:updated' | 'poll:closed' | 'poll:revealed'; payload: Poll }
  /** May carry the poll's first results (no votes yet) when this client may see them ([POLL6]). */
  | { name: 'poll:launched'; payload: PollLaunched }
  | { name: 'poll:deleted'; payload: FactPayload<'poll:deleted'> }
  | { name: 'poll:reordered'; payload: FactPayload<'poll:reordered'> }
  | { name: 'poll:resultsUpdated'; payload: PollResults }
  | { name: 'poll:answerSubmitted' | 'poll:answerModerated'; payload: PollAnswer }
  /** Our own vote was acknowledged: no fact carries it back to us. */
  | { name: 'poll:voted'; payload: VoteReceipt }
  /** The server no longer knows this answer (its author changed it): drop it. */
  | { name: 'poll:answerGone'; payload: { answerId: string } };

export const EMPTY_POLLS: PollsState = { byId: {}, results: {}, myVotes: {}, answers: {} };

export function pollsFromSnapshot(s: Snapshot): PollsState {
  const byId: Record<string, Poll> = {};
  const results: Record<string, PollResults> = {};
  for (const { poll, results: r } of s.polls ?? []) {
    byId[poll.id] = poll;
    if (r) results[poll.id] = r;
  }
  const answers: Record<string, PollAnswer> = {};
  for (const a of s.pollAnswers ?? []) answers[a.id] = a;
  return { byId, results, myVotes: { ...(s.myVotes ?? {}) }, answers };
}

const STATE_RANK: Record<PollState, number> = { draft: 0, live: 1, closed: 2 };

/**
 * A poll only moves forward (draft -> live -> closed) and a reveal is one-way: a late copy (an ack
 * overtaken by a fact) never takes it back.
 */
function mergePoll(old: Poll | undefined, incoming: Poll): Poll {
  if (!old) return incoming;
  const a = STATE_RANK[old.state];
  const b = STATE_RANK[incoming.state];
  if (b < a) return old.revealed || !incoming.revealed ? old : { ...old, revealed: true };
  return old.revealed && !incoming.revealed ? { ...incoming, revealed: true } : incoming;
}

function without<T>(rec: Record<string, T>, key: string): Record<string, T> {
  if (!(key in rec)) return rec;
  const copy = { ...rec };
  delete copy[key];
  return copy;
}

export function reducePolls(s: PollsState, e: PollEvent): PollsState {
  switch (e.name) {
    case 'poll:launched': {
      const { results, ...poll } = e.payload;
      const next = reducePolls(s, { name: 'poll:updated', payload: poll as Poll });
      return results ? reducePolls(next, { name: 'poll:resultsUpdated', payload: results }) : next;
    }
    case 'poll:created':
    case 'poll:updated':
    case 'poll:closed':
    case 'poll:revealed': {
      const next = mergePoll(s.byId[e.payload.id], e.payload);
      if (next === s.byId[e.payload.id]) return s;
      return { ...s, byId: { ...s.byId, [next.id]: next } };
    }
    case 'poll:deleted': {
      const { pollId } = e.payload;
      const answers = Object.values(s.answers).some((a) => a.pollId === pollId)
        ? Object.fromEntries(Object.entries(s.answers).filter(([, a]) => a.pollId !== pollId))
        : s.answers;
      return { byId: without(s.byId, pollId), results: without(s.results, pollId), myVotes: without(s.myVotes, pollId), answers };
    }
    case 'poll:reordered': {
      const byId = { ...s.byId };
      // The server numbers a reordered session 1..n; polls created later go after them.
      e.payload.pollIds.forEach((id, i) => {
        const p = byId[id];
        if (p) byId[id] = { ...p, order: i + 1 };
      });
      return { ...s, byId };
    }
    case 'poll:resultsUpdated': {
      const r = e.payload;
      const prev = s.results[r.pollId];
      // Coalesced results may arrive out of order (volatile while votes come in, several nodes):
      // the highest version is the newest.
      if (prev && prev.version >= r.version) return s;
      return { ...s, results: { ...s.results, [r.pollId]: r } };
    }
    case 'poll:answerSubmitted':
    case 'poll:answerModerated':
      return { ...s, answers: { ...s.answers, [e.payload.id]: e.payload } };
    case 'poll:voted':
      return { ...s, myVotes: { ...s.myVotes, [e.payload.pollId]: e.payload.vote } };
    case 'poll:answerGone':
      return { ...s, answers: without(s.answers, e.payload.answerId) };
  }
}

const POLL_FACTS = [
  'poll:created',
  'poll:updated',
  'poll:deleted',
  'poll:reordered',
  'poll:launched',
  'poll:closed',
  'poll:revealed',
  'poll:resultsUpdated',
  'poll:answerSubmitted',
  'poll:answerModerated',
] as const;

/** Subscribes to every poll fact; each one becomes a PollEvent. */
export function listenPollFacts(socket: RallySocket, onEvent: (e: PollEvent) => void): void {
  // Socket.IO's mapped listener types cannot follow a name from a list; the PollEvent union above is
  // checked against the fact payloads.
  const on = socket.on.bind(socket) as unknown as (name: string, fn: (payload: unknown) => void) => void;
  for (const name of POLL_FACTS) on(name, (payload) => onEvent({ name, payload } as PollEvent));
}

/**
 * What a successful ack of our own poll command tells the state at once (the fact that follows,
 * when there is one, changes nothing more). The vote receipt is the only record of our own vote.
 */
export function pollEventFromAck<N extends CommandName>(name: N, data: CommandResults[N]): PollEvent | null {
  switch (name) {
    case 'poll:create':
    case 'poll:duplicate':
      return { name: 'poll:created', payload: data as Poll };
    case 'poll:update':
      return { name: 'poll:updated', payload: data as Poll };
    case 'poll:launch':
    case 'poll:launchAdhoc':
      return { name: 'poll:launched', payload: data as Poll };
    case 'poll:close':
      return { name: 'poll:closed', payload: data as Poll };
    case 'poll:reveal':
      return { name: 'poll:revealed', payload: data as Poll };
    case 'poll:delete':
      return { name: 'poll:deleted', payload: { pollId: (data as CommandResults['poll:delete']).pollId, sessionId: null } };
    case 'poll:reorder':
      return { name: 'poll:reordered', payload: data as CommandResults['poll:reorder'] };
    case 'poll:vote':
      return { name: 'poll:voted', payload: data as VoteReceipt };
    case 'poll:moderateAnswer':
      return { name: 'poll:answerModerated', payload: data as PollAnswer };
    default:
      return null;
  }
}
