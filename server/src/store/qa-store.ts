import type { QuestionOrigin, QuestionState } from '@rally/shared';

/**
 * A question as stored. `authorId` never leaves the server (views drop it); `authorName` is null
 * for anonymous questions, so the name of an anonymous asker is not even stored.
 */
export interface NewQuestion {
  id: string;
  eventId: string;
  sessionId: string | null;
  authorId: string;
  authorName: string | null;
  anonymous: boolean;
  origin: QuestionOrigin;
  text: string;
  /** The author's text normalised at asking time: the key of the duplicate check. */
  normalised: string;
  state: QuestionState;
  flagged: boolean;
  reply: string | null;
  edited: boolean;
  createdAt: string;
  answeredAt: string | null;
  /** 0 at creation; bumped by every transition, edit and reply (see Question.rev). */
  rev: number;
}

/** A question as read: the stored record plus what the store derives (votes, highlight). */
export interface StoredQuestion extends NewQuestion {
  votes: number;
  highlighted: boolean;
}

export interface QuestionTransitionPatch {
  answeredAt?: string | null;
}

export type TransitionOutcome =
  /** `unhighlighted`: the question was on the stage screen and this transition took it off. */
  | { ok: true; question: StoredQuestion; unhighlighted: boolean }
  /** Not in `from` (another moderator was faster): the question as it is now, or null if unknown. */
  | { ok: false; current: StoredQuestion | null };

export interface HighlightOutcome {
  /** The question highlighted before this call (the same one for a repeat), or null. */
  previous: string | null;
  question: StoredQuestion | null;
}

export interface UpvoteOutcome {
  votes: number;
  /** False for a repeat (already up, or already not up): nothing changed. */
  changed: boolean;
}

/** [PERF2] An upvote command's result, as its ack carries it and its idempotency record keeps it. */
export interface UpvoteResult {
  questionId: string;
  up: boolean;
  votes: number;
}

/** [PERF1] [PERF2] What recordUpvote needs besides the toggle. */
export interface UpvoteRecord {
  /** The command's idempotency key (the pipeline's): its stored result answers a retry. */
  commandKey: string;
  ttlSeconds: number;
  /** The voter's team as the caller decided with; the step confirms it, and that they are not banned. */
  voter: { team: string | null };
}

export type RecordedUpvote =
  /** Applied (or a repeat of the state, changed false); the result is stored under the command key. */
  | { status: 'done'; changed: boolean; result: UpvoteResult }
  /** The command key holds a result already: nothing changed. */
  | { status: 'repeat'; result: UpvoteResult }
  /** The voter is not stored as decided (banned, another team, unknown): nothing changed. */
  | { status: 'stale' };

export interface QuestionVotes {
  /** Bumped by every vote change in the event, read with the counts at one point in time. */
  version: number;
  /** Questions with at least one vote. */
  votes: Record<string, number>;
}

/** One stable order in every adapter: oldest first, then id. */
export const compareQuestions = (a: NewQuestion, b: NewQuestion): number => a.createdAt.localeCompare(b.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The Q&A part of the storage port. Both adapters implement it (store/sqlite/qa.ts,
 * store/redis/qa.ts) and pass one contract suite (server/test/store/qa-contract.ts). Every
 * mutation is one SQLite transaction or one Lua script, so two moderators (on two nodes) acting
 * on one question can never interleave inside a change. Rules [QSTOREn] in docs/SPEC.md.
 */
export interface QaStore {
  /**
   * Stores a new question. Atomically refuses, changing nothing: BANNED when the author is banned
   * from asking in the event, CONFLICT when the author already asked the same normalised text in
   * the event (in any state), CONFLICT when the id is taken.
   */
  createQuestion(q: NewQuestion): Promise<StoredQuestion>;
  getQuestion(id: string): Promise<StoredQuestion | null>;
  /** Every question of the event, sorted with compareQuestions. */
  listQuestions(eventId: string): Promise<StoredQuestion[]>;
  /**
   * Compare-and-set on the state: moves the question from `from` to `to` with the patch, or
   * changes nothing and returns the current question when it is not in `from`. Of two racing
   * callers exactly one wins. Leaving `approved` also takes the question off the stage screen,
   * in the same step, so the highlighted question is always an approved one.
   */
  transitionQuestion(id: string, from: QuestionState, to: QuestionState, patch?: QuestionTransitionPatch): Promise<TransitionOutcome>;
  /** Replaces the text and sets edited; null when unknown. The duplicate key is not changed. */
  editQuestion(id: string, text: string): Promise<StoredQuestion | null>;
  /** Sets or (null) clears the written reply; null when unknown. */
  setReply(id: string, reply: string | null): Promise<StoredQuestion | null>;
  /**
   * Makes this question the event's one highlighted question (null: none), un-highlighting the
   * previous one in the same step. NOT_FOUND when the question is not the event's, INVALID_STATE
   * unless it is approved; nothing changes then.
   */
  setHighlighted(eventId: string, questionId: string | null): Promise<HighlightOutcome>;
  /**
   * One upvote per participant per question, atomically with its count: up adds it, !up takes it
   * back, a repeat changes nothing. NOT_FOUND for an unknown question, INVALID_STATE unless
   * approved. Every change bumps the event's vote version.
   */
  toggleUpvote(questionId: string, participantId: string, up: boolean): Promise<UpvoteOutcome>;
  /**
   * [PERF2] [PERF3] toggleUpvote as one step with its command's idempotency record: a key that holds
   * a result is answered `repeat` before anything else; else the question's state is checked (as
   * toggleUpvote does), [PERF1] the voter's standing ( `stale` ), then the toggle, and its result is
   * stored under the key for ttlSeconds, all in the same atomic step: no separate read and write of
   * the record around it.
   */
  recordUpvote(questionId: string, participantId: string, up: boolean, record: UpvoteRecord): Promise<RecordedUpvote>;
  /**
   * [PERF1] A question from the node's cache when it is approved (recordUpvote checks the state in
   * its step, and a refusal there drops the cached copy), else read as getQuestion does. Frozen; a
   * cached copy's votes and highlight are not current: for an upvote's decision only.
   */
  hotQuestion(id: string): Promise<StoredQuestion | null>;
  /** Ids of the event's questions this participant upvoted. */
  myUpvotes(eventId: string, participantId: string): Promise<string[]>;
  /** The event's vote version alone: what the coalescing ticker polls. 0 before any vote. */
  qaVersion(eventId: string): Promise<number>;
  /** Vote counts with their version, read together. */
  questionVotes(eventId: string): Promise<QuestionVotes>;
  setAskerBan(eventId: string, participantId: string, banned: boolean): Promise<void>;
  isAskerBanned(eventId: string, participantId: string): Promise<boolean>;
  /** Members of the event's ban set: participant ids, and the marks domain/qa/asker-bans.ts keys ([SEC21]). */
  askerBans(eventId: string): Promise<string[]>;
  /**
   * [QSTORE13] Privacy deletion ([ENG18]): the author's named questions in the event show `name`
   * from now on; anonymous ones stay without a name; nothing else changes (rev included).
   */
  eraseAuthorName(eventId: string, authorId: string, name: string): Promise<void>;
}
