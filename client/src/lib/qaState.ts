import type { CommandName, CommandResults, FactPayload, HighlightChange, Question, QuestionView, Snapshot } from '@rally/shared';
import type { RallySocket } from './socket';

/** A vote count and the event vote version it is as of ([QA10]). */
export interface VoteCount {
  n: number;
  version: number;
}

/**
 * The Q&A part of the client state ([QA23]): every question this principal may see (the copy
 * with the highest `rev`), the vote counts (highest version per question), my upvotes, what is on
 * stage, and whether I may ask.
 */
export interface QaState {
  byId: Record<string, QuestionView>;
  /** Authority on counts: `question:votesUpdated` (and our own upvote acks). */
  votes: Record<string, VoteCount>;
  /** The snapshot's votesVersion: coalesced counts at or below it are older than the snapshot. */
  votesFloor: number;
  myUpvotes: Record<string, true>;
  /** [QA17] What the stage screen shows: `question:highlighted` is the authority. */
  highlightedId: string | null;
  /** The public view carried by the last highlight message (the stage may not hold the question otherwise). */
  highlighted: Question | null;
  askingBanned: boolean;
  /**
   * Questions the audience was told are gone ([QA14]), by rev: a late copy at or below that rev
   * (overtaken by the removal) must not bring them back.
   */
  removed: Record<string, number>;
}

/** The per-question vote entries at the moment a command was sent: see `question:upvoted`. */
export type VotesMark = Record<string, VoteCount> | null;

/** Q&A facts from the server, plus what the client learns from its own acks. */
export type QaEvent =
  | { name: 'question:submitted' | 'question:changed'; payload: QuestionView }
  | { name: 'question:removed'; payload: FactPayload<'question:removed'> }
  | { name: 'question:votesUpdated'; payload: FactPayload<'question:votesUpdated'> }
  | { name: 'question:highlighted'; payload: HighlightChange }
  | { name: 'qa:banChanged'; payload: FactPayload<'qa:banChanged'> }
  /**
   * Our own upvote was acknowledged (no fact carries it back to us). Its count has no version:
   * it is applied only when no versioned count for that question arrived since the command was
   * sent (`mark`: the vote entries then), else it could overwrite a newer count.
   */
  | { name: 'question:upvoted'; payload: CommandResults['question:upvote']; mark: VotesMark };

export const EMPTY_QA: QaState = {
  byId: {},
  votes: {},
  votesFloor: 0,
  myUpvotes: {},
  highlightedId: null,
  highlighted: null,
  askingBanned: false,
  removed: {},
};

export function qaFromSnapshot(s: Snapshot): QaState {
  const qa = s.qa;
  if (!qa) return EMPTY_QA;
  const byId: Record<string, QuestionView> = {};
  const votes: Record<string, VoteCount> = {};
  let highlighted: Question | null = null;
  for (const q of qa.questions) {
    byId[q.id] = q;
    votes[q.id] = { n: q.votes, version: qa.votesVersion };
    if (q.highlighted && q.state === 'approved') highlighted = q;
  }
  const myUpvotes: Record<string, true> = {};
  for (const id of qa.myUpvotes) myUpvotes[id] = true;
  return {
    byId,
    votes,
    votesFloor: qa.votesVersion,
    myUpvotes,
    highlightedId: highlighted?.id ?? null,
    highlighted,
    askingBanned: qa.askingBanned,
    removed: {},
  };
}

function without<T>(rec: Record<string, T>, key: string): Record<string, T> {
  if (!(key in rec)) return rec;
  const copy = { ...rec };
  delete copy[key];
  return copy;
}

/**
 * [QA13] Keep the copy with the highest rev; of two with the same rev keep the later (they may
 * differ only in askerBanned). Authorship never changes: a public copy that arrives after the
 * author's own does not take `mine` away.
 */
function mergeQuestion(old: QuestionView | undefined, incoming: QuestionView): QuestionView {
  if (!old) return incoming;
  if (incoming.rev < old.rev) return old;
  if (old.mine && !incoming.mine) return { ...incoming, mine: true };
  return incoming;
}

export function reduceQa(s: QaState, e: QaEvent): QaState {
  switch (e.name) {
    case 'question:submitted':
    case 'question:changed': {
      const q = e.payload;
      const gone = s.removed[q.id];
      // Overtaken by its removal; the author's own copy always counts (they are told of dismissal).
      if (gone !== undefined && q.rev <= gone && !q.mine) return s;
      const next = mergeQuestion(s.byId[q.id], q);
      if (next === s.byId[q.id]) return s;
      const votes = s.votes[q.id] ? s.votes : { ...s.votes, [q.id]: { n: q.votes, version: s.votesFloor } };
      // A dismissed or answered question leaves the stage in the same step ([QA17]); the highlight
      // message says so too, this only covers a highlight message that is late.
      const offStage = s.highlightedId === q.id && next.state !== 'approved';
      return {
        ...s,
        byId: { ...s.byId, [q.id]: next },
        votes,
        removed: gone !== undefined ? without(s.removed, q.id) : s.removed,
        ...(offStage ? { highlightedId: null, highlighted: null } : {}),
      };
    }
    case 'question:removed': {
      const { questionId, rev } = e.payload;
      const old = s.byId[questionId];
      // The author also gets their own copy (dismissed); it is the one to keep.
      if (old?.mine) return s;
      if (old && old.rev > rev) return s;
      const offStage = s.highlightedId === questionId;
      return {
        ...s,
        byId: without(s.byId, questionId),
        removed: { ...s.removed, [questionId]: Math.max(rev, s.removed[questionId] ?? -1) },
        ...(offStage ? { highlightedId: null, highlighted: null } : {}),
      };
    }
    case 'question:votesUpdated': {
      const { version, votes } = e.payload;
      if (version <= s.votesFloor) return s;
      let next: Record<string, VoteCount> | null = null;
      for (const [id, n] of Object.entries(votes)) {
        const prev = s.votes[id];
        if (prev && prev.version >= version) continue;
        next ??= { ...s.votes };
        next[id] = { n, version };
      }
      return next ? { ...s, votes: next } : s;
    }
    case 'question:highlighted': {
      const { questionId, question } = e.payload;
      return { ...s, highlightedId: questionId, highlighted: question };
    }
    case 'qa:banChanged':
      return e.payload.banned === s.askingBanned ? s : { ...s, askingBanned: e.payload.banned };
    case 'question:upvoted': {
      const { questionId, up, votes } = e.payload;
      const myUpvotes = up ? { ...s.myUpvotes, [questionId]: true as const } : without(s.myUpvotes, questionId);
      const current = s.votes[questionId];
      const untouched = e.mark !== null && current === e.mark[questionId];
      return {
        ...s,
        myUpvotes,
        votes: untouched ? { ...s.votes, [questionId]: { n: votes, version: current?.version ?? s.votesFloor } } : s.votes,
      };
    }
  }
}

/** The count to show: the versioned count, else the one the question message carried. */
export function votesOf(s: QaState, q: Pick<Question, 'id' | 'votes'>): number {
  return s.votes[q.id]?.n ?? q.votes;
}

/** Questions with their live counts (so the shared sorting sees the counts on screen). */
export function withLiveVotes(s: QaState, qs: readonly QuestionView[]): QuestionView[] {
  return qs.map((q) => {
    const n = votesOf(s, q);
    return n === q.votes ? q : { ...q, votes: n };
  });
}

/**
 * [QA17] What the stage shows now: the highlighted question (or the one the stage slot names), in
 * the newest copy this client holds (an edit after highlighting reaches the map, not the highlight
 * message), with its live count.
 */
export function stageQuestion(s: QaState, id: string | null = s.highlightedId): Question | null {
  if (!id) return null;
  const fromMap = s.byId[id];
  const fromFact = s.highlighted && s.highlighted.id === id ? s.highlighted : null;
  const best = fromMap && (!fromFact || fromMap.rev >= fromFact.rev) ? fromMap : fromFact;
  if (!best || best.state !== 'approved') return null;
  return { ...best, votes: votesOf(s, best), highlighted: true };
}

const QA_FACTS = ['question:submitted', 'question:changed', 'question:removed', 'question:votesUpdated', 'question:highlighted', 'qa:banChanged'] as const;

/** Subscribes to every Q&A fact; each one becomes a QaEvent. */
export function listenQaFacts(socket: RallySocket, onEvent: (e: QaEvent) => void): void {
  // Socket.IO's mapped listener types cannot follow a name from a list; the QaEvent union above is
  // checked against the fact payloads.
  const on = socket.on.bind(socket) as unknown as (name: string, fn: (payload: unknown) => void) => void;
  for (const name of QA_FACTS) on(name, (payload) => onEvent({ name, payload } as QaEvent));
}

/** The vote entries before a command is sent, for `qaEventFromAck`. */
export function votesMark(s: QaState | null | undefined): VotesMark {
  return s ? s.votes : null;
}

/**
 * What a successful ack of our own Q&A command tells the state at once (the fact that follows,
 * when there is one, changes nothing more).
 */
export function qaEventFromAck<N extends CommandName>(name: N, data: CommandResults[N], mark: VotesMark): QaEvent | null {
  switch (name) {
    case 'question:submit':
      return { name: 'question:submitted', payload: data as QuestionView };
    case 'question:approve':
    case 'question:dismiss':
    case 'question:edit':
    case 'question:markAnswered':
    case 'question:restore':
    case 'question:reply':
      return { name: 'question:changed', payload: data as QuestionView };
    case 'question:highlight':
      return { name: 'question:highlighted', payload: data as HighlightChange };
    case 'question:upvote':
      return { name: 'question:upvoted', payload: data as CommandResults['question:upvote'], mark };
    default:
      return null;
  }
}
