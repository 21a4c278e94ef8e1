import { z } from 'zod';
import { ENGAGEMENT_LIMITS, engagementScore, Leaderboard, type LeaderboardMode, type Participant } from '@rally/shared';
import type { EngagementStore } from '../../store/engagement-store.js';
import type { FoldState } from './fold.js';
import { leaderboardField, type EngagementConfig } from './settings.js';
import { teamScores } from './views.js';

/** [ENG21] What everyone is sent when the organiser turns the leaderboard off: hide it. */
export const LEADERBOARD_OFF: Leaderboard = { mode: 'off', teams: [], participants: [] };

/**
 * A board as stored ([ESTORE8]): the ids of the people on it are kept beside it, never sent, so a
 * privacy deletion can tell whether the stored board names that person ([ENG18]).
 */
const StoredLeaderboard = z.object({ board: Leaderboard, participantIds: z.array(z.string()) });
export type RankedLeaderboard = z.infer<typeof StoredLeaderboard>;

/**
 * [ENG11] The leaderboard: teams by average score; with mode 'all', also the top attendees by
 * score (ties by name). Deleted participants and anyone no longer an attendee are left out.
 */
export function buildLeaderboard(state: FoldState, config: EngagementConfig, participants: readonly Participant[], mode: LeaderboardMode): RankedLeaderboard {
  const weights = config.settings.weights;
  const teams = teamScores(state, weights).map((t, i) => ({ ...t, rank: i + 1 }));
  if (mode !== 'all') return { board: { mode, teams, participants: [] }, participantIds: [] };
  const top = participants
    .filter((p) => p.role === 'attendee' && config.deleted[p.id] === undefined)
    .map((p) => ({ name: p.name, team: p.team, score: engagementScore(state.people.get(p.id)?.counts ?? {}, weights), id: p.id }))
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
    .slice(0, ENGAGEMENT_LIMITS.leaderboardSize);
  return {
    board: { mode, teams, participants: top.map(({ id: _id, ...rest }, i) => ({ rank: i + 1, ...rest })) },
    participantIds: top.map((p) => p.id),
  };
}

/**
 * [ENG21] [ESTORE8] Keeps the board for snapshots, only while the organiser still shows this mode:
 * a board computed just before they turned it off is neither kept nor (by the caller) sent.
 */
export async function saveLeaderboard(store: Pick<EngagementStore, 'putLeaderboard'>, eventId: string, ranked: RankedLeaderboard): Promise<boolean> {
  return store.putLeaderboard(eventId, JSON.stringify(ranked), leaderboardField(ranked.board.mode));
}

async function readStored(store: Pick<EngagementStore, 'storedLeaderboard'>, eventId: string): Promise<RankedLeaderboard | null> {
  const text = await store.storedLeaderboard(eventId);
  if (text === null) return null;
  try {
    const r = StoredLeaderboard.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/**
 * [ENG21] [PROTO5] The board in everyone's snapshot: one store read (never a fold, so a crowd
 * connecting at once costs nothing extra); absent when none is stored or it is off.
 */
export async function leaderboardForSnapshot(store: Pick<EngagementStore, 'storedLeaderboard'>, eventId: string): Promise<Leaderboard | undefined> {
  const stored = await readStored(store, eventId);
  return stored && stored.board.mode !== 'off' ? stored.board : undefined;
}

/**
 * [ENG18] A deleted participant must not stay on the stored board: it is dropped, and the next
 * tick (its board differs, since they are left out now) stores and sends a fresh one.
 */
export async function forgetInLeaderboard(store: Pick<EngagementStore, 'storedLeaderboard' | 'clearLeaderboard'>, eventId: string, participantId: string): Promise<void> {
  const stored = await readStored(store, eventId);
  if (stored?.participantIds.includes(participantId)) await store.clearLeaderboard(eventId);
}
