import type { OnStage, AgendaSession, AnswerStatus, Branding, CohortCounts, EventSettings, Mode, Participant, Poll, PollContent, PollResults, PollState, StageStream, VoteInput } from '@rally/shared';
import type { QaStore } from './qa-store.js';
import type { StageStore } from './stage-store.js';
import type { EngagementStore } from './engagement-store.js';
import type { SurveyStore } from './survey-store.js';
import type { QuizStore } from './quiz-store.js';
import type { QuizPlayStore } from './quiz-play-store.js';
import type { BreakoutRoomStore, BreakoutRoundStore, RosterStore } from './breakout-store.js';

/** The secret keys inside the presenter, moderator and stage links. */
export interface RoleKeys {
  presenter: string;
  moderator: string;
  stage: string;
}

/** An event as stored: the public part plus its secrets. */
export interface EventRecord {
  id: string;
  code: string;
  name: string;
  teams: string[];
  agenda: AgendaSession[];
  liveSessionId: string | null;
  settings: EventSettings;
  createdAt: string;
  keys: RoleKeys;
  /** Bumped on every key rotation; privileged tokens carry it, so rotating revokes them. */
  keyGeneration: number;
  // Stage fields, written by StageStore. Records from before the stage lack them: read with stageOf().
  stream?: StageStream;
  branding?: Branding;
  liveSessionStartedAt?: string | null;
  /** [STAGE31] What the stage shows; absent: nothing ever shown (NOTHING_ON_STAGE). */
  onStage?: OnStage;
  /** [STAGE34] Announcements sent at or before this time are gone from every screen. */
  announcementsClearedAt?: string | null;
  /** [OPS51] When the organiser archived the event (read-only from then on); absent: never. */
  archivedAt?: string | null;
  /** [OPS55] When retention erased the event's personal data; absent: not yet. */
  personalDataErasedAt?: string | null;
}

export interface ParticipantPatch {
  name?: string;
  team?: string | null;
  mode?: Mode;
  banned?: boolean;
  /** [ENG18] [OPS55] Only ever cleared (null) when a participant's personal data is deleted. */
  email?: null;
}

/** [STORE37] Online attendees of one team per cohort. */
export interface TeamCohortCounts {
  team: string | null;
  room: number;
  remote: number;
}

export interface PresenceChange {
  /** True when this socket is the participant's first open one (they just came online), or its last (offline). */
  changed: boolean;
  /** [PRES3] The event's online attendees per cohort, read in the same atomic step as the change. */
  counts: CohortCounts;
}

/**
 * [PRES3][STORE36] The cohort an online participant is counted in: attendees by their mode; staff and
 * the stage screen in none. Adapters apply it to the participant as stored, inside the same atomic
 * step as the presence or mode change, so counts never drift from the records (the Redis adapter
 * mirrors this rule in Lua).
 */
export function presenceCohort(p: Pick<Participant, 'role' | 'mode'>): Mode | null {
  return p.role === 'attendee' ? p.mode : null;
}

/** Lifecycle fields a transition may set along with the new state. */
export interface PollTransitionPatch {
  openedAt?: string;
  closesAt?: string | null;
  closedAt?: string;
  presentAtClose?: CohortCounts;
}

/**
 * Per-poll counters, keyed by what they count and the voter's cohort: `voters:room`,
 * `opt:<optionId>:remote`, `val:<n>:room`, `word:<normalised text>:remote`. Zero counters may be
 * absent. `version` is bumped by every change to the poll (vote, transition, reveal, moderation).
 */
export interface PollTally {
  version: number;
  /** The poll's state read with the counters, so results built from them are never a mix. */
  state: PollState;
  counters: Record<string, number>;
}

/** One participant's vote as stored: what was counted, so a change can take exactly that back. */
export interface StoredVote {
  participantId: string;
  cohort: Mode;
  vote: VoteInput;
  counters: string[];
  /** Canonical form of the vote: an identical repeat is recognised and changes nothing. */
  fingerprint: string;
  at: string;
  /** The open-text answer this vote created, if any. */
  answerId: string | null;
  /**
   * [PERF2] The ids of the commands applied to this record (the latest VOTE_COMMAND_IDS): the vote
   * is its own idempotency record, so a retried id is recognised in the same atomic step. Absent
   * in records written without a command id.
   */
  commandIds?: string[];
}

/** [PERF2] Command ids a vote record keeps: a client retries its last few, right after a drop. */
export const VOTE_COMMAND_IDS = 8;

export interface CastVoteInput extends Omit<StoredVote, 'commandIds'> {
  pollId: string;
  allowChange: boolean;
  /** [PERF2] The command's id: a vote record that already holds it is answered `repeat`, before any other check. */
  commandId?: string;
  /**
   * [PERF1] Confirm, in the same atomic step, that the voter exists, is not banned and is stored with
   * the mode (cohort) and team the caller decided with; otherwise the answer is `stale` and nothing
   * changes (the caller's cached copy was out of date: it reads the participant again and retries).
   */
  voter?: { team: string | null };
  /** Open-text polls: the answer to queue for moderation (status pending). */
  answer: { id: string; text: string; flagged: boolean } | null;
}

export type CastVoteOutcome =
  /** recorded: first vote; replaced: a changed vote moved; unchanged: an identical repeat. */
  | { status: 'recorded' | 'replaced' | 'unchanged'; version: number }
  /** [PERF2] This command id was applied already: nothing changed; the record as it stands. */
  | { status: 'repeat'; vote: StoredVote }
  /** [PERF1] The voter's stored standing differs from what the caller decided with: nothing changed. */
  | { status: 'stale' };

export interface StoredAnswer {
  id: string;
  pollId: string;
  participantId: string;
  text: string;
  status: AnswerStatus;
  flagged: boolean;
  at: string;
}

/** One stable order for listPolls in every adapter: by session, then order, then creation. */
export function comparePolls(a: Poll, b: Poll): number {
  const sa = a.sessionId ?? '';
  const sb = b.sessionId ?? '';
  if (sa !== sb) return sa < sb ? -1 : 1;
  return a.order - b.order || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}

/**
 * The storage port. Both adapters (SQLite, Redis) implement it and pass one contract suite
 * (server/test/store/store-contract.ts). Every method that changes state is atomic on its own: a
 * transaction in SQLite, a single command or Lua script in Redis, so two nodes can never interleave
 * inside one transition. The Q&A part is its own port (qa-store.ts, with its own contract suite,
 * server/test/store/qa-contract.ts), composed into each adapter; so is the stage part
 * (stage-store.ts, server/test/store/stage-contract.ts), the engagement log (engagement-store.ts,
 * server/test/store/engagement-contract.ts), the survey (survey-store.ts,
 * server/test/store/survey-contract.ts) and quiz play (quiz-play-store.ts,
 * server/test/store/quiz-play-contract.ts), the attendee list (breakout-store.ts RosterStore,
 * server/test/store/roster-contract.ts), breakout rounds (breakout-store.ts BreakoutRoundStore,
 * server/test/store/breakout-rounds-contract.ts) and what happens inside breakout rooms (BreakoutRoomStore,
 * server/test/store/breakout-rooms-contract.ts).
 */
export interface Store extends QaStore, StageStore, EngagementStore, SurveyStore, QuizStore, QuizPlayStore, RosterStore, BreakoutRoundStore, BreakoutRoomStore {
  readonly kind: 'sqlite' | 'redis';

  /** Throws RallyError CONFLICT when the id or the join code is already taken. */
  createEvent(event: EventRecord): Promise<void>;
  getEvent(id: string): Promise<EventRecord | null>;
  getEventByCode(code: string): Promise<EventRecord | null>;
  listEvents(): Promise<EventRecord[]>;
  /**
   * [OPS42] [OPS55] Ids of events whose personal data is still held and whose end (eventEndMs in
   * schema-version.ts) is at or before `endMs`, earliest first, at most `limit`: read from the end
   * index of schema version 2 (retentionIndexMs), never by reading every event.
   */
  eventsEndedBefore(endMs: number, limit: number): Promise<string[]>;
  /**
   * [OPS51] [OPS55] Sets archivedAt or personalDataErasedAt to `at` unless it is set already (the
   * first time is kept), keeping the end index in step. The event as stored, or null when unknown.
   */
  markEvent(id: string, field: 'archivedAt' | 'personalDataErasedAt', at: string): Promise<EventRecord | null>;
  /**
   * [OPS52] Deletes the event and everything of it, in every part of the store: participants, polls,
   * votes, questions, stage, chat, engagement, survey, quizzes and their runs, the attendee list,
   * breakout rounds and rooms, presence and command results; its join code is free again. Other
   * events are untouched. False when the event is unknown. Not one atomic step in Redis: the event
   * record goes last, so a delete cut short is finished by calling it again.
   */
  deleteEvent(id: string): Promise<boolean>;
  /**
   * [OPS55] In the event's breakout rooms, the names stored next to these participants' ids (room
   * chat, takeaways, help requests and who took them) become `name`; texts stay.
   */
  eraseBreakoutNames(eventId: string, participantIds: readonly string[], name: string): Promise<void>;
  /** Returns the updated event, or null when it does not exist. */
  setLiveSession(eventId: string, sessionId: string | null): Promise<EventRecord | null>;
  /** Replaces the role keys and bumps keyGeneration; returns the updated event or null. */
  rotateKeys(eventId: string, keys: RoleKeys): Promise<EventRecord | null>;

  /** Throws RallyError CONFLICT when the id is taken. */
  createParticipant(p: Participant): Promise<void>;
  getParticipant(id: string): Promise<Participant | null>;
  /**
   * [PERF1] The participant from this node's cache (hot-cache.ts), read through on a miss: frozen,
   * kept current with this store's own writes; a change made on another node is caught by the
   * write that depends on it (castVote's `voter` check), so only the hot commands read it.
   */
  hotParticipant(id: string): Promise<Participant | null>;
  /**
   * [PERF9] [REL16] A reaction's command id, claimed in its participant's window (their last 16 ids,
   * kept 3 minutes after the latest, [REL18]) in one step that first recognises a retried id
   * (`repeat`), then confirms the sender is stored as the caller decided (exists, not banned, this
   * mode and team; else `stale`, nothing claimed), then takes the id (`claimed`). Embedded: this
   * node's memory (one node); Redis: a list in the event's slot, shared by every node ([REL17]).
   */
  claimReaction(eventId: string, participantId: string, commandId: string, standing: { mode: Mode; team: string | null }): Promise<'claimed' | 'repeat' | 'stale'>;
  /** [REL19] Gives a claimed reaction id back: its attempt was refused or failed, so its retry applies. */
  releaseReaction(eventId: string, participantId: string, commandId: string): Promise<void>;
  /**
   * Applies only the fields present in the patch; returns the result or null when unknown.
   * [STORE36] A mode change of an online participant moves them between the presence counts atomically.
   */
  updateParticipant(id: string, patch: ParticipantPatch): Promise<Participant | null>;
  listParticipants(eventId: string): Promise<Participant[]>;
  /**
   * [BRK63] The event's participants of these ids, in no particular order; unknown ids and other
   * events' participants are left out. For the few people one change touches (a breakout placement's
   * room-mates), not the whole event (Redis: one script per 1,000; SQLite: one query).
   */
  getParticipants(eventId: string, ids: readonly string[]): Promise<Participant[]>;

  /**
   * Presence is per socket, so several tabs of one participant count once and closing one tab
   * does not take them offline. nodeId lets a restarted node clear what it held before.
   */
  presenceAdd(eventId: string, participantId: string, socketId: string, nodeId: string): Promise<PresenceChange>;
  presenceRemove(eventId: string, participantId: string, socketId: string): Promise<PresenceChange>;
  /** Ids of participants with at least one open socket. O(online): for staff snapshots, not per connection. */
  presenceOnline(eventId: string): Promise<string[]>;
  /** [STORE36] Online attendees per cohort, kept by the presence writes: O(1), never a scan. */
  presenceCounts(eventId: string): Promise<CohortCounts>;
  /**
   * [STORE37] Online attendees per team (null: no team) and cohort, kept like presenceCounts by
   * the presence writes and by team or mode changes. Teams with nobody online are absent; order
   * unspecified. The live dashboard reads it every second: it never reads participant records.
   */
  presenceTeamCounts(eventId: string): Promise<TeamCohortCounts[]>;
  /** Whether the participant has at least one open socket in the event. */
  presenceIsOnline(eventId: string, participantId: string): Promise<boolean>;
  /** Forgets every socket a node held (called at boot: a crashed node's sockets are gone). */
  presenceClearNode(nodeId: string): Promise<void>;

  /**
   * Command idempotency: the first result stored under a key wins and is kept for ttlSeconds.
   * Returns the stored result (which is the given one when this call stored it).
   */
  rememberCommand<T>(key: string, result: T, ttlSeconds: number): Promise<T>;
  recalledCommand<T>(key: string): Promise<T | undefined>;
  /**
   * [STORE39] Resolves once every write made before the call is durable as the adapter makes it
   * (SQLite commits writes in groups, one per event-loop turn; Redis has applied each write when
   * its call resolves). Whoever acknowledges a write awaits this first; it rejects if the writes
   * were lost.
   */
  durable(): Promise<void>;

  // Polls. Rules [STORE23]–[STORE35] in docs/SPEC.md (drafted in docs/spec/polls.md).

  /**
   * Stores a new poll (state as given, normally draft) and returns it with `order` set to one past
   * the highest order its session has had. Throws CONFLICT when the id is taken.
   */
  createPoll(poll: Poll): Promise<Poll>;
  getPoll(id: string): Promise<Poll | null>;
  /**
   * [PERF1] A poll from this node's cache when it is live (its content is fixed then; castVote checks
   * the state itself), else read as getPoll does. Frozen.
   */
  hotPoll(id: string): Promise<Poll | null>;
  /** Every poll of the event, sorted with comparePolls. */
  listPolls(eventId: string): Promise<Poll[]>;
  /** Replaces the authored content of a draft. Null when unknown; INVALID_STATE unless draft. */
  updatePollDraft(id: string, content: PollContent): Promise<Poll | null>;
  /** Deletes a draft. False when unknown; INVALID_STATE unless draft. */
  deletePoll(id: string): Promise<boolean>;
  /**
   * Sets `order` to the position in pollIds, which must be exactly the polls of that session of
   * the event (any order, no repeats); otherwise nothing changes and the result is null.
   */
  reorderPolls(eventId: string, sessionId: string | null, pollIds: string[]): Promise<Poll[] | null>;
  /**
   * Compare-and-set on the state: moves the poll from `from` to `to` with the patch and returns it,
   * or returns null (changing nothing) when the poll is unknown or not in `from`. Of two racing
   * callers exactly one gets the poll, so only one of them publishes.
   */
  transitionPoll(id: string, from: PollState, to: PollState, patch: PollTransitionPatch): Promise<Poll | null>;
  /** Sets revealed (and bumps the version); null when unknown. */
  setRevealed(id: string): Promise<Poll | null>;
  /**
   * One vote per participant per poll, atomically: NOT_FOUND for an unknown poll, INVALID_STATE
   * unless live; an identical repeat (same fingerprint) is `unchanged`; a different one is
   * CONFLICT unless allowChange, in which case the previous counters are taken back and the new
   * ones added in the same step (and a previous open-text answer is replaced).
   */
  castVote(input: CastVoteInput): Promise<CastVoteOutcome>;
  /** [STORE40] The participant's votes in the given polls, by poll id (polls without one are absent): one read for a whole snapshot. */
  getMyVotes(participantId: string, pollIds: readonly string[]): Promise<Record<string, StoredVote>>;
  listVotes(pollId: string): Promise<StoredVote[]>;
  /** Null when the poll is unknown. */
  getTally(pollId: string): Promise<PollTally | null>;
  /**
   * [STORE38] A closed poll's final results, stored once: the first write wins and later ones
   * change nothing (every writer built them from the same frozen counters, since a closed poll
   * refuses votes). Ignored unless the poll is closed.
   */
  putFinalResults(pollId: string, results: PollResults): Promise<void>;
  /**
   * [STORE38] The stored final results with the poll's current version (reveal and moderation
   * bump it after close), read at one point in time; null when none are stored.
   */
  getFinalResults(pollId: string): Promise<{ results: PollResults; version: number } | null>;
  /** Live polls of the event with their versions: what the results ticker polls. */
  livePollVersions(eventId: string): Promise<{ pollId: string; version: number }[]>;
  /** Live polls (of any event) whose closesAt is at or before nowMs. */
  duePolls(nowMs: number): Promise<Poll[]>;
  /** Open-text answers of a poll, oldest first. */
  listAnswers(pollId: string): Promise<StoredAnswer[]>;
  /** Sets an answer's status and bumps the poll's version; null when unknown. */
  moderateAnswer(pollId: string, answerId: string, status: 'approved' | 'rejected'): Promise<StoredAnswer | null>;

  /** Resolves when the backing store answers; used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
