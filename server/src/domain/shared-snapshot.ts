import type { Leaderboard, Participant, Poll, Snapshot } from '@rally/shared';
import { isoNow } from '../clock.js';
import type { EventRecord } from '../store/store.js';
import type { StoredQuestion } from '../store/qa-store.js';
import type { StoredQuizRun } from '../store/quiz-play-store.js';
import { toPublicEvent } from './events.js';
import type { DomainDeps, WithStage } from './ports.js';
import { myVotesIn, pollsForRole } from './polls/view.js';
import { questionsWithVotes } from './qa/view.js';
import { authorView, isPublic, publicView } from './qa/visibility.js';
import { bannedFromAsking } from './qa/asker-bans.js';
import { stageFrom, stageReads, type StageReads } from './stage/view.js';
import { surveyFrom } from './engagement/survey.js';
import { leaderboardForSnapshot } from './engagement/leaderboard.js';
import { quizFromRun } from './quiz/play.js';
import { reinforcementRuns, revisitsFrom } from './quiz/reinforcement.js';
import { breakoutsForSnapshot, readRunningPlaces, type RunningPlaces } from './breakout/snapshot.js';
import { RawJson, stringifyWithRaw } from './raw-json.js';

/*
 * [PERF20] [PERF21] A reconnect storm builds thousands of attendee snapshots of one event in a few
 * seconds, and everything in them but the attendee's own part is the same for all. That part is
 * read and encoded once per change (per event, on each node) and shared; only the attendee's own
 * votes, upvotes, questions, bans, survey answers, quiz state, revisits and breakout place are read
 * per attendee. Staff snapshots are few and built as before (buildSnapshot).
 *
 * When is the shared part current? Anything an attendee may see of the event is told to every
 * attendee when it changes, as a fact to a room of the event that attendees are in (the event, the
 * attendee role or its slices, a mode, the breakout rooms), and every fact a node delivers to its
 * sockets, its own or another node's, passes through its adapter's broadcast, which tells this
 * cache (socket-server.ts). So a shared part may be used only while no such fact arrived since its
 * reads began: a fact meanwhile makes it stale and the next snapshot reads again. The socket joined
 * its rooms before asking, so any change the shared part lacks reaches it as a fact afterwards, as
 * with a snapshot read just before the change. Vote counts between two ticks are not facts: like
 * every live client, a new snapshot shows the counts of the last tick or later.
 */

/** What every attendee of one event sees alike, with the JSON of its big lists encoded once. */
export interface AttendeeShared {
  polls: RawJson;
  /** The polls an attendee may know of, for their own votes. */
  known: Poll[];
  questions: StoredQuestion[];
  /** The public view of each question as JSON, null for those the audience may not see. */
  publicQuestions: (string | null)[];
  /** The audience's list as one JSON array, for attendees who asked none of the questions. */
  publicList: RawJson;
  /** Who asked a question of the event: their list differs (their own questions, [QA7]). */
  askers: Set<string>;
  votesVersion: number;
  stage: StageReads;
  survey: Awaited<ReturnType<DomainDeps['store']['getSurvey']>>;
  leaderboard: Leaderboard | undefined;
  quizRun: StoredQuizRun | null;
  revisitRuns: Awaited<ReturnType<typeof reinforcementRuns>>;
  /** [PERF23] The running round's places (null: none running); a change of places makes the part stale like a fact. */
  breakoutPlaces: RunningPlaces | null;
}

type Deps = WithStage<Pick<DomainDeps, 'store' | 'clock'>>;

/** Reads and encodes the shared part of an attendee's snapshot of `eventId`. */
export async function readAttendeeShared(deps: Deps, eventId: string): Promise<AttendeeShared> {
  const [polls, qa, stage, survey, leaderboard, quizRun, revisitRuns, breakoutPlaces] = await Promise.all([
    pollsForRole(deps.store, eventId, 'attendee'),
    questionsWithVotes(deps.store, eventId),
    stageReads(deps.store, eventId),
    deps.store.getSurvey(eventId),
    leaderboardForSnapshot(deps.store, eventId),
    deps.store.currentQuizRun(eventId),
    reinforcementRuns(deps, eventId),
    readRunningPlaces(deps, eventId),
  ]);
  const publicQuestions = qa.questions.map((q) => (isPublic(q.state) ? JSON.stringify(publicView(q)) : null));
  return {
    polls: new RawJson(JSON.stringify(polls.polls)),
    known: polls.known,
    questions: qa.questions,
    publicQuestions,
    publicList: new RawJson(`[${publicQuestions.filter((j) => j !== null).join(',')}]`),
    askers: new Set(qa.questions.map((q) => q.authorId)),
    votesVersion: qa.version,
    stage: { ...stage, messages: new RawJson(JSON.stringify(stage.messages)) },
    survey,
    leaderboard,
    quizRun,
    revisitRuns,
    breakoutPlaces,
  };
}

/** [QA7] This attendee's list: the audience's, with their own questions (any state) as theirs. */
function questionsOf(shared: AttendeeShared, me: Participant): RawJson {
  if (!shared.askers.has(me.id)) return shared.publicList;
  const items: string[] = [];
  shared.questions.forEach((q, i) => {
    const json = q.authorId === me.id ? JSON.stringify(authorView(q)) : shared.publicQuestions[i];
    if (json !== null && json !== undefined) items.push(json);
  });
  return new RawJson(`[${items.join(',')}]`);
}

/**
 * [PROTO5] An attendee's snapshot as JSON text: the same document buildSnapshot returns for them
 * (its fields in the same order), from `shared` and their own reads.
 */
export async function attendeeSnapshotJson(deps: Deps, shared: AttendeeShared, me: Participant, event: EventRecord): Promise<string> {
  const { store } = deps;
  const [myVotes, myUpvotes, askingBanned, chatBanned, survey, quiz, quizRevisits, breakouts] = await Promise.all([
    myVotesIn(store, me.id, shared.known),
    store.myUpvotes(event.id, me.id),
    bannedFromAsking(store, event.id, me.id),
    store.isChatBanned(event.id, me.id),
    surveyFrom(store, me, shared.survey),
    quizFromRun(deps, me, shared.quizRun),
    revisitsFrom(deps, me, shared.revisitRuns),
    breakoutsForSnapshot(deps, me, shared.breakoutPlaces),
  ]);
  // Typed as the snapshot it encodes to; the RawJson fields are written as their text.
  const snapshot: Snapshot = {
    serverTime: isoNow(deps.clock),
    event: toPublicEvent(event),
    me,
    polls: shared.polls as unknown as Snapshot['polls'],
    myVotes,
    qa: { questions: questionsOf(shared, me) as unknown as NonNullable<Snapshot['qa']>['questions'], myUpvotes, votesVersion: shared.votesVersion, askingBanned },
    stage: stageFrom(deps, me, event, shared.stage, { notes: undefined, banned: chatBanned }),
    survey,
    ...(shared.leaderboard ? { leaderboard: shared.leaderboard } : {}),
    ...(quiz ? { quiz } : {}),
    ...(quizRevisits.length ? { quizRevisits } : {}),
    breakouts,
  };
  return stringifyWithRaw(snapshot);
}

/** How long a shared part may serve at most, even with no fact since: a bound on any change told by no fact. */
const MAX_AGE_MS = 2_000;
/** Past this many tries (facts kept arriving while reading), the attendee's snapshot is read for them alone. */
const TRIES = 4;

interface Entry {
  startedAt: number;
  /** Set when a fact reached the event's attendees after the reads began. */
  stale: boolean;
  value: Promise<AttendeeShared>;
}

/** [PERF21] This node's shared parts, one per event, dropped by the facts that change them. */
export class SharedSnapshots {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly read: (eventId: string) => Promise<AttendeeShared>, private readonly now: () => number = Date.now) {}

  /** The event's shared part, read after no fact reached its attendees since its reads began. */
  async get(eventId: string): Promise<AttendeeShared> {
    for (let i = 0; i < TRIES; i++) {
      const entry = this.entryFor(eventId);
      const value = await entry.value;
      if (!entry.stale) return value;
    }
    return this.read(eventId);
  }

  /** A fact reached the attendees of `eventId` on this node: what was read before it is stale. */
  invalidate(eventId: string): void {
    const entry = this.entries.get(eventId);
    if (!entry) return;
    entry.stale = true;
    this.entries.delete(eventId);
  }

  /** A fact reached every socket of this node. */
  invalidateAll(): void {
    for (const entry of this.entries.values()) entry.stale = true;
    this.entries.clear();
  }

  private entryFor(eventId: string): Entry {
    const now = this.now();
    const hit = this.entries.get(eventId);
    if (hit && !hit.stale && now - hit.startedAt < MAX_AGE_MS) return hit;
    // Entries of quiet events are dropped in bulk: the map never holds more than the events that connect.
    if (this.entries.size >= 1_000) this.entries.clear();
    const entry: Entry = { startedAt: now, stale: false, value: this.read(eventId) };
    entry.value.catch(() => this.entries.get(eventId) === entry && this.entries.delete(eventId));
    this.entries.set(eventId, entry);
    return entry;
  }
}
