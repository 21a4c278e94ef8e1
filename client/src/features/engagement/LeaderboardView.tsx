import type { Leaderboard, LeaderboardMode, TeamScore } from '@rally/shared';
import { TeamScoresTable, TopAttendeesTable } from './LeaderboardTables';

/**
 * [ENG11] [ENG12] Team scores (per capita) from the live dashboard, and — while the organiser
 * shows the leaderboard to everyone — exactly what attendees see, top attendees included.
 */
export function LeaderboardView({ teams, board, mode }: { teams: TeamScore[]; board: Leaderboard | null; mode: LeaderboardMode }) {
  return (
    <div className="leaderboard stack" data-testid="leaderboard">
      <p className="muted small">{mode === 'off' ? 'The leaderboard is hidden from attendees.' : `Attendees see the leaderboard (${mode === 'all' ? 'teams and top attendees' : 'teams'}).`}</p>
      {teams.length === 0 ? <p className="empty">No team has scored yet.</p> : <TeamScoresTable teams={teams} />}
      {mode === 'all' && board && board.participants.length > 0 ? <TopAttendeesTable participants={board.participants} /> : null}
    </div>
  );
}
