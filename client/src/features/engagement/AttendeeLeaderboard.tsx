import { useLive } from '../../components/EventGate';
import { TeamScoresTable, TopAttendeesTable } from './LeaderboardTables';
import './engagement.css';

/**
 * [ENG11] The leaderboard on an attendee's phone while the organiser shows it: teams ranked by
 * per-member score with the attendee's own team marked, and the top attendees in mode 'all'.
 * Hidden while it is off. Updates arrive at most every 5 s, so they are not announced live:
 * a screen reader would be interrupted for every change of rank.
 */
export function AttendeeLeaderboard() {
  const { state } = useLive();
  const board = state.engagement.leaderboard;
  if (!board || board.mode === 'off') return null;
  return (
    <section className="card leaderboard stack" aria-labelledby="leaderboard-heading" data-testid="attendee-leaderboard" data-mode={board.mode}>
      <h2 id="leaderboard-heading">Leaderboard</h2>
      {board.teams.length === 0 ? <p className="empty">No team has scored yet.</p> : <TeamScoresTable teams={board.teams} myTeam={state.me.team} compact />}
      {board.mode === 'all' && board.participants.length > 0 ? <TopAttendeesTable participants={board.participants} /> : null}
    </section>
  );
}
