import {
  ENGAGEMENT_KINDS,
  PARTICIPATION_KINDS,
  parityOf,
  rate,
  type ActivityFigures,
  type CohortNumbers,
  type EngagementEntry,
  type EngagementKind,
  type ScopeFigures,
} from '@rally/shared';

/*
 * [ENG7] The one fold from log entries to every figure the dashboard, the scores and the exports
 * show. It is incremental (fold a page, then the next) and the result depends only on the
 * entries and their log order, so the live dashboard, which folds as entries arrive, and an export,
 * which folds the whole log at once, agree by construction. Views over the state are separate
 * pure functions (./views.ts).
 */

type Sets = { room: Set<string>; remote: Set<string> };
const sets = (): Sets => ({ room: new Set(), remote: new Set() });

export interface KindAcc {
  count: CohortNumbers;
  who: Sets;
}

export interface ScopeAcc {
  present: Sets;
  interacted: Sets;
  kinds: Map<EngagementKind, KindAcc>;
  questions: { room: number; remote: number; breakout: number };
}

export type Counts = Partial<Record<EngagementKind, number>>;

/** Entries that place a participant in or out of a session, for minutes attended. */
export interface AttendanceMark {
  kind: 'joined' | 'left' | 'sessionEntered' | 'sessionLeft';
  atMs: number;
  sessionId: string | null;
  /** Position in the fold, to order marks with the same time. */
  seq: number;
}

export interface PersonAcc {
  counts: Counts;
  attendance: AttendanceMark[];
}

export interface TeamAcc {
  members: Set<string>;
  counts: Counts;
}

export interface FoldState {
  cursor: string | null;
  entries: number;
  event: ScopeAcc;
  sessions: Map<string, ScopeAcc>;
  /** Minute (ms since epoch / 60 000) -> kind -> interactions per cohort. */
  minutes: Map<number, Map<EngagementKind, CohortNumbers>>;
  people: Map<string, PersonAcc>;
  teams: Map<string, TeamAcc>;
  /** Keys of once-per-ref / once-per-session interactions already counted. */
  seen: Set<string>;
}

const scope = (): ScopeAcc => ({ present: sets(), interacted: sets(), kinds: new Map(), questions: { room: 0, remote: 0, breakout: 0 } });

export const emptyFold = (): FoldState => ({
  cursor: null,
  entries: 0,
  event: scope(),
  sessions: new Map(),
  minutes: new Map(),
  people: new Map(),
  teams: new Map(),
  seen: new Set(),
});

export const minuteOf = (atMs: number): number => Math.floor(atMs / 60_000);

/**
 * [ENG3] The key under which a repeat counts nothing more: per participant and ref (upvotes) or
 * session (sessions attended). Null: the entry always counts.
 */
function onceKey(e: EngagementEntry): string | null {
  if (e.participantId === null) return null;
  const once = ENGAGEMENT_KINDS[e.kind].once as 'each' | 'ref' | 'session';
  const on = once === 'ref' ? e.ref : once === 'session' ? e.sessionId : undefined;
  return on === undefined || on === null ? null : `${e.kind}\u0000${e.participantId}\u0000${on}`;
}

function addToScope(acc: ScopeAcc, e: EngagementEntry, counted: boolean) {
  const pid = e.participantId;
  if (pid !== null) acc.present[e.mode].add(pid);
  if (!counted) return;
  const spec = ENGAGEMENT_KINDS[e.kind];
  let k = acc.kinds.get(e.kind);
  if (!k) acc.kinds.set(e.kind, (k = { count: { room: 0, remote: 0 }, who: sets() }));
  k.count[e.mode]++;
  if (pid !== null) {
    k.who[e.mode].add(pid);
    if (spec.participation) acc.interacted[e.mode].add(pid);
  }
  // [ENG10] A question from a breakout room counts there, whatever its asker's cohort.
  if (e.kind === 'asked') acc.questions[e.breakoutRoomId !== undefined ? 'breakout' : e.mode]++;
}

const bump = (counts: Counts, kind: EngagementKind) => void (counts[kind] = (counts[kind] ?? 0) + 1);

/** Folds entries, in log order, into the state (mutated and returned). */
export function foldEntries(state: FoldState, entries: readonly EngagementEntry[]): FoldState {
  for (const e of entries) {
    const seq = state.entries++;
    state.cursor = e.cursor;
    const key = onceKey(e);
    const counted = key === null || !state.seen.has(key);
    if (key !== null) state.seen.add(key);

    addToScope(state.event, e, counted);
    if (e.sessionId !== null) {
      let s = state.sessions.get(e.sessionId);
      if (!s) state.sessions.set(e.sessionId, (s = scope()));
      addToScope(s, e, counted);
    }

    const atMs = Date.parse(e.at);
    const pid = e.participantId;
    if (pid !== null) {
      let person = state.people.get(pid);
      if (!person) state.people.set(pid, (person = { counts: {}, attendance: [] }));
      if (counted) bump(person.counts, e.kind);
      if (e.kind === 'joined' || e.kind === 'left' || e.kind === 'sessionEntered' || e.kind === 'sessionLeft') {
        person.attendance.push({ kind: e.kind, atMs, sessionId: e.sessionId, seq });
      }
      if (e.team !== null) {
        let team = state.teams.get(e.team);
        if (!team) state.teams.set(e.team, (team = { members: new Set(), counts: {} }));
        team.members.add(pid);
        if (counted) bump(team.counts, e.kind);
      }
    }

    if (counted) {
      const m = minuteOf(atMs);
      let minute = state.minutes.get(m);
      if (!minute) state.minutes.set(m, (minute = new Map()));
      let c = minute.get(e.kind);
      if (!c) minute.set(e.kind, (c = { room: 0, remote: 0 }));
      c[e.mode]++;
    }
  }
  return state;
}

const sizes = (s: Sets): CohortNumbers => ({ room: s.room.size, remote: s.remote.size });
/** People in either cohort, counted once. No merged set: the engagement ticker asks every second per scope (B8 profile). */
const union = (s: Sets) => {
  let both = 0;
  for (const id of s.remote) if (s.room.has(id)) both++;
  return s.room.size + s.remote.size - both;
};

function rates(who: Sets, present: Sets) {
  return {
    room: rate(who.room.size, present.room.size),
    remote: rate(who.remote.size, present.remote.size),
    // Overall counts people once, even one who was in both cohorts during the scope.
    all: rate(union(who), union(present)),
  };
}

/** [ENG7] [ENG8] [ENG10] The figures of one scope. */
export function scopeFigures(acc: ScopeAcc | undefined): ScopeFigures {
  const a = acc ?? scope();
  const activities: ActivityFigures[] = PARTICIPATION_KINDS.map((kind) => {
    const k = a.kinds.get(kind) ?? { count: { room: 0, remote: 0 }, who: sets() };
    return { kind, label: ENGAGEMENT_KINDS[kind].label, count: { ...k.count }, participants: sizes(k.who), rate: rates(k.who, a.present) };
  });
  const present = sizes(a.present);
  const participation = rates(a.interacted, a.present);
  return {
    present,
    interacted: sizes(a.interacted),
    participation,
    parity: parityOf({ present, participation }),
    activities,
    questionsByOrigin: { ...a.questions },
  };
}
