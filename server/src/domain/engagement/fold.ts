import {
  ENGAGEMENT_KINDS,
  PARTICIPATION_KINDS,
  parityOf,
  rate,
  type ActivityFigures,
  type CohortNumbers,
  type EngagementEntry,
  type EngagementKind,
  type Mode,
  type ScopeFigures,
  type WeightedCohortNumbers,
} from '@rally/shared';

/*
 * [ENG7] The one fold from log entries to every figure the dashboard, the scores and the exports
 * show. It is incremental (fold a page, then the next) and the result depends only on the
 * entries and their log order (and, for time-weighted presence, the moment the figures are taken
 * at), so the live dashboard, which folds as entries arrive, and an export, which folds the whole
 * log at once, agree by construction. Views over the state are separate
 * pure functions (./views.ts).
 */

type Sets = { room: Set<string>; remote: Set<string> };
const sets = (): Sets => ({ room: new Set(), remote: new Set() });

export interface KindAcc {
  count: CohortNumbers;
  who: Sets;
}

/**
 * [ENG22] One attendee's time in one scope, folded in log order: closed time per cohort, the
 * stretch now open (if any), and the time and cohort of their latest entry in the scope.
 */
export interface Stay {
  ms: { room: number; remote: number };
  open: { mode: Mode; sinceMs: number } | null;
  lastMs: number;
  lastMode: Mode;
}

export interface ScopeAcc {
  /** 'event' or 'session': which entries end a stretch of presence ([ENG22]). */
  kind: 'event' | 'session';
  present: Sets;
  interacted: Sets;
  kinds: Map<EngagementKind, KindAcc>;
  questions: { room: number; remote: number; breakout: number };
  stays: Map<string, Stay>;
  /**
   * Attendees with entries in both cohorts: the only ones whose presence is split ([ENG22]).
   * Everyone else counts 1 in their one cohort, so a view only weighs these (few) people.
   */
  mixed: Set<string>;
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

const scope = (kind: ScopeAcc['kind']): ScopeAcc => ({
  kind,
  present: sets(),
  interacted: sets(),
  kinds: new Map(),
  questions: { room: 0, remote: 0, breakout: 0 },
  stays: new Map(),
  mixed: new Set(),
});

export const emptyFold = (): FoldState => ({
  cursor: null,
  entries: 0,
  event: scope('event'),
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

const other = (m: Mode): Mode => (m === 'room' ? 'remote' : 'room');

/** [ENG22] Entries that end a stretch of presence in a scope: leaving the event, or leaving the session. */
const ends = (acc: ScopeAcc, kind: EngagementKind) => kind === 'left' || (acc.kind === 'session' && kind === 'sessionLeft');

/**
 * [ENG22] Moves an attendee's time in the scope on to this entry. Each entry places them in its
 * cohort from its time on, until their next entry in the scope; an entry that ends presence
 * (leaving) closes the stretch. An entry older than their latest one in the scope (nodes write in
 * batches, so log order and time order can differ slightly) moves no time: the stretch never runs
 * backwards.
 */
function advanceStay(acc: ScopeAcc, pid: string, e: EngagementEntry, atMs: number) {
  let stay = acc.stays.get(pid);
  if (!stay) acc.stays.set(pid, (stay = { ms: { room: 0, remote: 0 }, open: null, lastMs: atMs, lastMode: e.mode }));
  if (atMs < stay.lastMs) return;
  if (stay.open) stay.ms[stay.open.mode] += atMs - stay.open.sinceMs;
  stay.open = ends(acc, e.kind) ? null : { mode: e.mode, sinceMs: atMs };
  stay.lastMs = atMs;
  stay.lastMode = e.mode;
}

/**
 * [ENG22] A `modeChanged` only moves a stretch that is open (the attendee is here, in this scope)
 * and in time order; otherwise (a moderator switching someone offline, a late entry) it says
 * nothing about presence and is left out of it.
 */
function movesPresence(acc: ScopeAcc, pid: string, e: EngagementEntry, atMs: number): boolean {
  if (e.kind !== 'modeChanged') return true;
  const stay = acc.stays.get(pid);
  return stay !== undefined && stay.open !== null && atMs >= stay.lastMs;
}

function addToScope(acc: ScopeAcc, e: EngagementEntry, counted: boolean, atMs: number) {
  const pid = e.participantId;
  if (pid !== null && movesPresence(acc, pid, e, atMs)) {
    acc.present[e.mode].add(pid);
    if (acc.present[other(e.mode)].has(pid)) acc.mixed.add(pid);
    advanceStay(acc, pid, e, atMs);
  }
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

    const atMs = Date.parse(e.at);
    addToScope(state.event, e, counted, atMs);
    if (e.sessionId !== null) {
      let s = state.sessions.get(e.sessionId);
      if (!s) state.sessions.set(e.sessionId, (s = scope('session')));
      addToScope(s, e, counted, atMs);
    }

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

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * [ENG22] The share of an attendee's presence in the scope spent in the room (the rest is
 * remote), as of asOfMs: time in the room over time present, an open stretch counting up to
 * asOfMs. Someone whose entries span no time counts wholly in the cohort of their latest entry.
 */
export function roomShare(stay: Stay, asOfMs: number): number {
  const t = { ...stay.ms };
  if (stay.open) t[stay.open.mode] += Math.max(0, asOfMs - stay.open.sinceMs);
  const total = t.room + t.remote;
  if (total <= 0) return stay.lastMode === 'room' ? 1 : 0;
  return t.room / total;
}

/**
 * [ENG22] [ENG23] A set of attendees (present, interacted, did one activity) as person-equivalents
 * per cohort: someone only ever in one cohort counts 1 there; someone with entries in both counts
 * their share of time in each cohort where the set has them.
 */
function weigh(who: Sets, mixed: ReadonlyMap<string, number>): WeightedCohortNumbers {
  let room = who.room.size;
  let remote = who.remote.size;
  for (const [id, share] of mixed) {
    // Counted 1 in each cohort the set has them in; only their share of time there stays.
    if (who.room.has(id)) room -= 1 - share;
    if (who.remote.has(id)) remote -= share;
  }
  return { room: round2(Math.max(0, room)), remote: round2(Math.max(0, remote)) };
}

function rates(who: Sets, present: Sets, weighted: { who: WeightedCohortNumbers; present: WeightedCohortNumbers }) {
  return {
    room: rate(weighted.who.room, weighted.present.room),
    remote: rate(weighted.who.remote, weighted.present.remote),
    // Overall counts people once, even one who was in both cohorts during the scope.
    all: rate(union(who), union(present)),
  };
}

/** [ENG7] [ENG8] [ENG10] [ENG22] [ENG23] The figures of one scope as of asOfMs (open stretches of presence count up to it). */
export function scopeFigures(acc: ScopeAcc | undefined, asOfMs: number): ScopeFigures {
  const a = acc ?? scope('event');
  const shares = new Map<string, number>();
  for (const id of a.mixed) shares.set(id, roomShare(a.stays.get(id)!, asOfMs));
  const presentW = weigh(a.present, shares);
  const activities: ActivityFigures[] = PARTICIPATION_KINDS.map((kind) => {
    const k = a.kinds.get(kind) ?? { count: { room: 0, remote: 0 }, who: sets() };
    const r = rates(k.who, a.present, { who: weigh(k.who, shares), present: presentW });
    return { kind, label: ENGAGEMENT_KINDS[kind].label, count: { ...k.count }, participants: sizes(k.who), rate: r };
  });
  const interactedW = weigh(a.interacted, shares);
  const participation = rates(a.interacted, a.present, { who: interactedW, present: presentW });
  return {
    present: sizes(a.present),
    interacted: sizes(a.interacted),
    weighted: { present: presentW, interacted: interactedW },
    participation,
    parity: parityOf({ present: presentW, participation }),
    activities,
    questionsByOrigin: { ...a.questions },
  };
}
