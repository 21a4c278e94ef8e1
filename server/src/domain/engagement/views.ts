import {
  ENGAGEMENT_LIMITS,
  PARTICIPATION_KINDS,
  engagementScore,
  type CohortNumbers,
  type EngagementKind,
  type EngagementWeights,
  type MinuteFigures,
  type TeamScore,
} from '@rally/shared';
import { minuteOf, type Counts, type FoldState, type PersonAcc } from './fold.js';

/*
 * Pure views over a fold state: minutes attended, per-participant figures and scores, team
 * scores, the per-minute timeline. The dashboard (./dashboard.ts) and the exports (./export.ts)
 * read the same functions.
 */

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * [ENG13] Milliseconds attended per session, from the participant's attendance marks in time
 * order: entering a session opens an interval (closing any open one), leaving it, leaving the
 * event or entering another session closes it. An interval still open counts up to `asOfMs`.
 */
export function attendanceMs(person: PersonAcc, asOfMs: number): Map<string, number> {
  const out = new Map<string, number>();
  const add = (sessionId: string, ms: number) => out.set(sessionId, (out.get(sessionId) ?? 0) + Math.max(0, ms));
  let open: { sessionId: string; atMs: number } | null = null;
  const marks = [...person.attendance].sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
  for (const m of marks) {
    if (m.kind === 'sessionEntered' && m.sessionId !== null) {
      if (open) add(open.sessionId, m.atMs - open.atMs);
      open = { sessionId: m.sessionId, atMs: m.atMs };
    } else if ((m.kind === 'sessionLeft' && open && open.sessionId === m.sessionId) || (m.kind === 'left' && open)) {
      add(open!.sessionId, m.atMs - open!.atMs);
      open = null;
    }
  }
  if (open) add(open.sessionId, asOfMs - open.atMs);
  return out;
}

export interface ParticipantFigures {
  counts: Counts;
  score: number;
  /** Sessions attended with minutes (1 decimal), in first-entered order. */
  sessions: { sessionId: string; minutes: number }[];
  minutes: number;
}

export function participantFigures(state: FoldState, participantId: string, weights: EngagementWeights, asOfMs: number): ParticipantFigures {
  const person = state.people.get(participantId);
  if (!person) return { counts: {}, score: 0, sessions: [], minutes: 0 };
  const ms = attendanceMs(person, asOfMs);
  const sessions = [...ms].map(([sessionId, t]) => ({ sessionId, minutes: round1(t / 60_000) }));
  const total = [...ms.values()].reduce((a, b) => a + b, 0);
  return { counts: { ...person.counts }, score: engagementScore(person.counts, weights), sessions, minutes: round1(total / 60_000) };
}

/** [ENG12] Team scores: the weighted total of the team's entries over its distinct members; best average first. */
export function teamScores(state: FoldState, weights: EngagementWeights): TeamScore[] {
  return [...state.teams]
    .map(([team, t]) => {
      const total = engagementScore(t.counts, weights);
      return { team, members: t.members.size, total, average: t.members.size === 0 ? 0 : round2(total / t.members.size) };
    })
    .sort((a, b) => b.average - a.average || b.total - a.total || a.team.localeCompare(b.team));
}

const zero = (): CohortNumbers => ({ room: 0, remote: 0 });

/** [ENG6] The last timelineMinutes minutes up to the one holding asOf, oldest first. */
export function timeline(state: FoldState, asOfMs: number): MinuteFigures[] {
  const last = minuteOf(asOfMs);
  const out: MinuteFigures[] = [];
  for (let m = last - ENGAGEMENT_LIMITS.timelineMinutes + 1; m <= last; m++) {
    const counts: MinuteFigures['counts'] = {};
    for (const [kind, c] of state.minutes.get(m) ?? []) counts[kind] = { ...c };
    out.push({ minute: new Date(m * 60_000).toISOString(), counts });
  }
  return out;
}

/** [ENG6] Every participation kind in the last complete minute before asOf. */
export function lastMinute(state: FoldState, asOfMs: number): Partial<Record<EngagementKind, CohortNumbers>> {
  const minute = state.minutes.get(minuteOf(asOfMs) - 1);
  return Object.fromEntries(PARTICIPATION_KINDS.map((k) => [k, { ...(minute?.get(k) ?? zero()) }]));
}
