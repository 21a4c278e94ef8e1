import type { Participant, Poll } from '@rally/shared';
import type { StoredQuestion } from './qa-store.js';

/**
 * [PERF1] The per-node cache of what the busy audience commands decide on (the sender, the live
 * poll, the approved question): a vote storm read and parsed the same participant and poll documents once per vote
 * (docs/PERFORMANCE.md). Values are frozen: callers copy what they change.
 *
 * It is the store's: each adapter fills it on a read and drops or replaces an entry on its own
 * writes, and what another node may have changed meanwhile is caught by the write that depends on
 * it (SQLite: the file's data_version; Redis: castVote compares the sender's stored standing in its
 * script and answers `stale`), so a stale entry can cost a retry, never a wrong decision.
 */
export interface HotCache {
  participant(id: string, read: () => Participant | null): Participant | null;
  participantAsync(id: string, read: () => Promise<Participant | null>): Promise<Participant | null>;
  /** Only live polls are kept: a live poll's content never changes, only its state (to closed). */
  poll(id: string, read: () => Poll | null): Poll | null;
  pollAsync(id: string, read: () => Promise<Poll | null>): Promise<Poll | null>;
  /**
   * Only approved questions are kept (what an upvote needs: the store's step checks the state
   * itself); a kept copy's votes and highlight are not current: for decisions only.
   */
  question(id: string, read: () => StoredQuestion | null): StoredQuestion | null;
  questionAsync(id: string, read: () => Promise<StoredQuestion | null>): Promise<StoredQuestion | null>;
  /** A write changed it (here or, as the store learnt, on another node). */
  dropParticipant(id: string): void;
  dropPoll(id: string): void;
  dropQuestion(id: string): void;
  clear(): void;
}

/** Entries kept at most per kind; past it the oldest go first (Map insertion order). */
const MAX = { participants: 50_000, polls: 2_000, questions: 5_000 } as const;

export function createHotCache(max: { participants: number; polls: number; questions: number } = MAX): HotCache {
  const participants = new Map<string, Participant>();
  const polls = new Map<string, Poll>();
  const questions = new Map<string, StoredQuestion>();
  const put = <T>(map: Map<string, T>, limit: number, id: string, value: T) => {
    if (map.size >= limit) map.delete(map.keys().next().value as string);
    map.set(id, value);
  };
  const keepParticipant = (id: string, p: Participant | null) => {
    if (p) put(participants, max.participants, id, deepFreeze(p));
    return p;
  };
  const keepPoll = (id: string, p: Poll | null) => {
    if (p && p.state === 'live') put(polls, max.polls, id, deepFreeze(p));
    return p;
  };
  const keepQuestion = (id: string, q: StoredQuestion | null) => {
    if (q && q.state === 'approved') put(questions, max.questions, id, deepFreeze(q));
    return q;
  };
  return {
    question: (id, read) => questions.get(id) ?? keepQuestion(id, read()),
    questionAsync: async (id, read) => questions.get(id) ?? keepQuestion(id, await read()),
    dropQuestion: (id) => void questions.delete(id),
    participant: (id, read) => participants.get(id) ?? keepParticipant(id, read()),
    participantAsync: async (id, read) => participants.get(id) ?? keepParticipant(id, await read()),
    poll: (id, read) => polls.get(id) ?? keepPoll(id, read()),
    pollAsync: async (id, read) => polls.get(id) ?? keepPoll(id, await read()),
    dropParticipant: (id) => void participants.delete(id),
    dropPoll: (id) => void polls.delete(id),
    clear() {
      participants.clear();
      polls.clear();
      questions.clear();
    },
  };
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}
