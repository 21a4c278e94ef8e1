import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_WEIGHTS,
  ENGAGEMENT_KINDS,
  ENGAGEMENT_KIND_NAMES,
  PARTICIPATION_KINDS,
  type EngagementEntry,
  type EngagementKind,
  type EngagementWeights,
  type Mode,
  type Participant,
} from '@rally/shared';
import { buildDashboard } from './dashboard.js';
import { participantColumns, participantRows } from './export.js';
import { emptyFold, foldEntries, scopeFigures } from './fold.js';
import { participantFigures, teamScores } from './views.js';

/*
 * The figures the dashboard and the exports show must equal the figures recomputed from the raw
 * log. `recompute` below is written straight from the rules in docs/SPEC.md ([ENG3], [ENG7],
 * [ENG10], [ENG12], [ENG13]), deliberately without sharing code with fold.ts.
 */

const T0 = Date.UTC(2027, 0, 20, 9, 0, 0);
const PEOPLE = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
const SESSIONS = ['keynote', 'workshop'];

const entryArb = fc.record({
  participantId: fc.option(fc.constantFrom(...PEOPLE), { freq: 8 }),
  mode: fc.constantFrom<Mode>('room', 'remote'),
  team: fc.option(fc.constantFrom('EMEA', 'NA'), { freq: 4 }),
  sessionId: fc.option(fc.constantFrom(...SESSIONS), { freq: 3 }),
  kind: fc.constantFrom(...ENGAGEMENT_KIND_NAMES),
  // Nodes flush in batches, so log order and time order differ by up to a few seconds.
  offsetMs: fc.integer({ min: 0, max: 40 * 60_000 }),
  ref: fc.option(fc.constantFrom('q1', 'q2'), { freq: 2 }),
  breakout: fc.boolean(),
});

// `size: 'max'` so logs are long enough for repeats, cohort switches and session changes to occur.
const logArb = fc.array(entryArb, { maxLength: 150, size: 'max' }).map((raw) =>
  raw.map(
    (r, i): EngagementEntry => ({
      cursor: String(i + 1),
      eventId: 'ev1',
      participantId: r.participantId,
      mode: r.mode,
      team: r.participantId === null ? null : r.team,
      sessionId: r.sessionId,
      kind: r.kind,
      at: new Date(T0 + r.offsetMs).toISOString(),
      ...(r.ref !== null ? { ref: r.ref } : {}),
      ...(r.kind === 'asked' && r.breakout ? { breakoutRoomId: 'room-1' } : {}),
    }),
  ),
);

const weightsArb = fc.record(Object.fromEntries(ENGAGEMENT_KIND_NAMES.map((k) => [k, fc.integer({ min: 0, max: 100 })]))) as fc.Arbitrary<EngagementWeights>;

/** [ENG3] Which entries count: a repeat of (participant, kind, ref) or (participant, kind, session) counts nothing. */
function countedFlags(entries: readonly EngagementEntry[]): boolean[] {
  const seen: string[] = [];
  return entries.map((e) => {
    const once = ENGAGEMENT_KINDS[e.kind].once as string;
    const on = once === 'ref' ? e.ref : once === 'session' ? e.sessionId : undefined;
    if (e.participantId === null || on === undefined || on === null) return true;
    const key = JSON.stringify([e.kind, e.participantId, on]);
    if (seen.includes(key)) return false;
    seen.push(key);
    return true;
  });
}

const distinct = (xs: (string | null)[]) => new Set(xs.filter((x): x is string => x !== null)).size;
const ratio = (a: number, b: number) => (b === 0 ? 0 : Math.min(1, a / b));

/**
 * [ENG22] One attendee's presence within a scope: their entries in the scope in log order each
 * place them in the entry's cohort until their next one; leaving (and, in a session, leaving the
 * session) ends it; an entry older than their latest moves no time; a mode switch counts only when
 * it moves an open stretch in time order. Returns the entries that count as presence and the room
 * share as of asOfMs (no measured time: the cohort of the latest entry that counted).
 */
function recomputePresence(mine: readonly EngagementEntry[], session: boolean, asOfMs: number) {
  const time = { room: 0, remote: 0 };
  const counts = new Set<EngagementEntry>();
  let open: { mode: Mode; at: number } | null = null;
  let latest: { at: number; mode: Mode } | null = null;
  for (const e of mine) {
    const at = Date.parse(e.at);
    const late = latest !== null && at < latest.at;
    if (e.kind === 'modeChanged' && (open === null || late)) continue;
    counts.add(e);
    if (late) continue;
    if (open) time[open.mode] += at - open.at;
    const leaving = e.kind === 'left' || (session && e.kind === 'sessionLeft');
    open = leaving ? null : { mode: e.mode, at };
    latest = { at, mode: e.mode };
  }
  if (open) time[open.mode] += Math.max(0, asOfMs - open.at);
  const total = time.room + time.remote;
  const roomShare = total > 0 ? time.room / total : latest?.mode === 'room' ? 1 : 0;
  return { counts, roomShare };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function recomputeScope(entries: readonly EngagementEntry[], counted: boolean[], inScope: (e: EngagementEntry) => boolean, session: boolean, asOfMs: number) {
  const idx = entries.map((_, i) => i).filter((i) => inScope(entries[i]!));
  const of = (mode: Mode | 'all', pred: (e: EngagementEntry, i: number) => boolean) =>
    idx.filter((i) => (mode === 'all' || entries[i]!.mode === mode) && pred(entries[i]!, i)).map((i) => entries[i]!.participantId);
  const roomShare = new Map<string, number>();
  const inPresence = new Set<EngagementEntry>();
  for (const pid of new Set(of('all', () => true))) {
    if (pid === null) continue;
    const p = recomputePresence(idx.map((i) => entries[i]!).filter((e) => e.participantId === pid), session, asOfMs);
    roomShare.set(pid, p.roomShare);
    for (const e of p.counts) inPresence.add(e);
  }
  const anyEntry = (e: EngagementEntry) => inPresence.has(e);
  const interacting = (e: EngagementEntry, i: number) => counted[i]! && ENGAGEMENT_KINDS[e.kind].participation;
  // [ENG22] [ENG23] Each person in a cohort's set counts their share of time in that cohort.
  const weigh = (ids: (string | null)[], mode: Mode) =>
    round2([...new Set(ids)].filter((id): id is string => id !== null).reduce((sum, id) => sum + (mode === 'room' ? roomShare.get(id)! : 1 - roomShare.get(id)!), 0));
  const weighted = {
    present: { room: weigh(of('room', anyEntry), 'room'), remote: weigh(of('remote', anyEntry), 'remote') },
    interacted: { room: weigh(of('room', interacting), 'room'), remote: weigh(of('remote', interacting), 'remote') },
  };
  const present = { room: distinct(of('room', anyEntry)), remote: distinct(of('remote', anyEntry)) };
  const interacted = { room: distinct(of('room', interacting)), remote: distinct(of('remote', interacting)) };
  const participation = {
    room: ratio(weighted.interacted.room, weighted.present.room),
    remote: ratio(weighted.interacted.remote, weighted.present.remote),
    all: ratio(distinct(of('all', interacting)), distinct(of('all', anyEntry))),
  };
  const activities = PARTICIPATION_KINDS.map((kind) => {
    const did = (e: EngagementEntry, i: number) => counted[i]! && e.kind === kind;
    const count = { room: of('room', did).length, remote: of('remote', did).length };
    const participants = { room: distinct(of('room', did)), remote: distinct(of('remote', did)) };
    return {
      kind,
      count,
      participants,
      rate: {
        room: ratio(weigh(of('room', did), 'room'), weighted.present.room),
        remote: ratio(weigh(of('remote', did), 'remote'), weighted.present.remote),
        all: ratio(distinct(of('all', did)), distinct(of('all', anyEntry))),
      },
    };
  });
  const asked = idx.filter((i) => counted[i]! && entries[i]!.kind === 'asked').map((i) => entries[i]!);
  const questionsByOrigin = {
    room: asked.filter((e) => !e.breakoutRoomId && e.mode === 'room').length,
    remote: asked.filter((e) => !e.breakoutRoomId && e.mode === 'remote').length,
    breakout: asked.filter((e) => e.breakoutRoomId).length,
  };
  const parity =
    weighted.present.room === 0 || weighted.present.remote === 0 || participation.room === 0 ? null : Math.round((participation.remote / participation.room) * 1000) / 1000;
  return { present, interacted, weighted, participation, parity, activities, questionsByOrigin };
}

/** [ENG13] Minutes per session: each entry into a session lasts until the next mark (in time) that ends it. */
function recomputeMinutes(entries: readonly EngagementEntry[], pid: string, asOfMs: number): Map<string, number> {
  const marks = entries
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => e.participantId === pid && ['joined', 'left', 'sessionEntered', 'sessionLeft'].includes(e.kind))
    .sort((a, b) => Date.parse(a.e.at) - Date.parse(b.e.at) || a.i - b.i);
  const out = new Map<string, number>();
  const consumed = new Set<number>();
  marks.forEach((start, k) => {
    if (start.e.kind !== 'sessionEntered' || start.e.sessionId === null || consumed.has(k)) return;
    const s = start.e.sessionId;
    const endAt = marks.findIndex((m, j) => j > k && (m.e.kind === 'left' || (m.e.kind === 'sessionEntered' && m.e.sessionId !== null) || (m.e.kind === 'sessionLeft' && m.e.sessionId === s)));
    const end = endAt === -1 ? asOfMs : Date.parse(marks[endAt]!.e.at);
    out.set(s, (out.get(s) ?? 0) + Math.max(0, end - Date.parse(start.e.at)));
  });
  return out;
}

function recomputePerson(entries: readonly EngagementEntry[], counted: boolean[], pid: string, weights: EngagementWeights, asOfMs: number) {
  const counts: Partial<Record<EngagementKind, number>> = {};
  entries.forEach((e, i) => {
    if (e.participantId === pid && counted[i]) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
  });
  const score = ENGAGEMENT_KIND_NAMES.reduce((s, k) => s + (counts[k] ?? 0) * weights[k], 0);
  const ms = recomputeMinutes(entries, pid, asOfMs);
  return { counts, score, minutes: Math.round(([...ms.values()].reduce((a, b) => a + b, 0) / 60_000) * 10) / 10, sessions: ms };
}

function recomputeTeams(entries: readonly EngagementEntry[], counted: boolean[], weights: EngagementWeights) {
  const teams = [...new Set(entries.filter((e) => e.participantId !== null && e.team !== null).map((e) => e.team!))];
  return teams
    .map((team) => {
      const mine = entries.map((e, i) => ({ e, i })).filter(({ e }) => e.team === team && e.participantId !== null);
      const members = distinct(mine.map(({ e }) => e.participantId));
      const total = mine.filter(({ i }) => counted[i]).reduce((s, { e }) => s + weights[e.kind], 0);
      return { team, members, total, average: Math.round((total / members) * 100) / 100 };
    })
    .sort((a, b) => b.average - a.average || b.total - a.total || a.team.localeCompare(b.team));
}

const asOf = T0 + 45 * 60_000;

describe('the engagement fold', () => {
  it('[ENG7] [ENG8] [ENG10] [ENG22] [ENG23] every scope\'s figures equal the figures recomputed from the raw log', () => {
    fc.assert(
      fc.property(logArb, (log) => {
        const counted = countedFlags(log);
        const state = foldEntries(emptyFold(), log);
        const strip = (f: ReturnType<typeof scopeFigures>) => ({ ...f, activities: f.activities.map(({ label: _l, ...a }) => a) });
        expect(strip(scopeFigures(state.event, asOf))).toEqual(recomputeScope(log, counted, () => true, false, asOf));
        for (const s of SESSIONS) expect(strip(scopeFigures(state.sessions.get(s), asOf))).toEqual(recomputeScope(log, counted, (e) => e.sessionId === s, true, asOf));
      }),
      { numRuns: 200 },
    );
  });

  it('[ENG5] [ENG12] [ENG13] per-participant counts, scores, minutes and team scores equal the recomputation, whatever the weights', () => {
    fc.assert(
      fc.property(logArb, weightsArb, (log, weights) => {
        const counted = countedFlags(log);
        const state = foldEntries(emptyFold(), log);
        for (const pid of PEOPLE) {
          const got = participantFigures(state, pid, weights, asOf);
          const want = recomputePerson(log, counted, pid, weights, asOf);
          expect(got.counts).toEqual(want.counts);
          expect(got.score).toBe(want.score);
          expect(got.minutes).toBe(want.minutes);
          expect(new Map(got.sessions.map((s) => [s.sessionId, s.minutes]))).toEqual(new Map([...want.sessions].map(([s, ms]) => [s, Math.round((ms / 60_000) * 10) / 10])));
        }
        expect(teamScores(state, weights)).toEqual(recomputeTeams(log, counted, weights));
      }),
      { numRuns: 200 },
    );
  });

  it('[ENG6] folding the log page by page (as the live dashboard does) gives the same dashboard as folding it at once', () => {
    fc.assert(
      fc.property(logArb, fc.array(fc.nat(120), { maxLength: 6 }), fc.constantFrom(null, 'keynote'), (log, cuts, live) => {
        const points = [...new Set([0, ...cuts.map((c) => Math.min(c, log.length)), log.length])].sort((a, b) => a - b);
        const incremental = emptyFold();
        for (let i = 0; i + 1 < points.length; i++) foldEntries(incremental, log.slice(points[i], points[i + 1]));
        const input = { eventId: 'ev1', asOfMs: asOf, settings: { weights: DEFAULT_WEIGHTS, parityThreshold: 0.8, leaderboard: 'off' as const, webhookConfigured: false }, online: [], liveSessionId: live, alerting: false, survey: null };
        expect(buildDashboard(incremental, input)).toEqual(buildDashboard(foldEntries(emptyFold(), log), input));
      }),
      { numRuns: 200 },
    );
  });

  it('[ENG13] [ENG19] the per-participant export equals the recomputation, and an anonymous entry counts for nobody', () => {
    const people: Participant[] = PEOPLE.map((id, i) => ({ id, eventId: 'ev1', name: `Person ${i}`, role: 'attendee', mode: 'room', team: 'EMEA', banned: false, joinedAt: new Date(T0).toISOString() }));
    fc.assert(
      fc.property(logArb, weightsArb, (log, weights) => {
        const counted = countedFlags(log);
        const state = foldEntries(emptyFold(), log);
        const rows = participantRows({ state, participants: people, deleted: { p6: 'deleted_x' }, weights, asOfMs: asOf, agenda: [], survey: null, responses: [] });
        const header = participantColumns(null);
        expect(rows[0]).toEqual(header);
        expect(rows.slice(1).map((r) => r[0])).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
        for (const row of rows.slice(1)) {
          const want = recomputePerson(log, counted, row[0] as string, weights, asOf);
          for (const k of ENGAGEMENT_KIND_NAMES) {
            const col = ENGAGEMENT_KINDS[k].column;
            if (col) expect(row[header.indexOf(col)]).toBe(want.counts[k] ?? 0);
          }
          expect(row[header.indexOf('engagement_score')]).toBe(want.score);
          expect(row[header.indexOf('minutes_attended')]).toBe(want.minutes);
        }
        // Anonymous questions count in the event's figures and in nobody's row.
        const anonymousAsks = log.filter((e) => e.participantId === null && e.kind === 'asked').length;
        const namedAsks = log.filter((e) => e.participantId !== null && e.kind === 'asked').length;
        const q = scopeFigures(state.event, asOf).questionsByOrigin;
        expect(q.room + q.remote + q.breakout).toBe(anonymousAsks + namedAsks);
        expect([...state.people.keys()].every((id) => id !== null && PEOPLE.includes(id))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('[ENG3] re-upvoting a question and re-entering a session count once; votes and reactions count each time', () => {
    const e = (kind: EngagementKind, extra: Partial<EngagementEntry> = {}, i = 0): EngagementEntry => ({
      cursor: String(i),
      eventId: 'ev1',
      participantId: 'p1',
      mode: 'remote',
      team: 'EMEA',
      sessionId: 'keynote',
      kind,
      at: new Date(T0 + i * 1000).toISOString(),
      ...extra,
    });
    const state = foldEntries(emptyFold(), [e('upvoted', { ref: 'q1' }, 1), e('upvoted', { ref: 'q1' }, 2), e('upvoted', { ref: 'q2' }, 3), e('sessionEntered', {}, 4), e('sessionEntered', {}, 5), e('reacted', { ref: '👏' }, 6), e('reacted', { ref: '👏' }, 7)]);
    expect(state.people.get('p1')!.counts).toEqual({ upvoted: 2, sessionEntered: 1, reacted: 2 });
  });
});
