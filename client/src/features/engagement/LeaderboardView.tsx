import type { Leaderboard, LeaderboardMode, TeamScore } from '@rally/shared';

/**
 * [ENG11] [ENG12] Team scores (per capita) from the live dashboard, and — while the organiser
 * shows the leaderboard to everyone — exactly what attendees see, top attendees included.
 */
export function LeaderboardView({ teams, board, mode }: { teams: TeamScore[]; board: Leaderboard | null; mode: LeaderboardMode }) {
  return (
    <div className="leaderboard stack" data-testid="leaderboard">
      <p className="muted small">{mode === 'off' ? 'The leaderboard is hidden from attendees.' : `Attendees see the leaderboard (${mode === 'all' ? 'teams and top attendees' : 'teams'}).`}</p>
      {teams.length === 0 ? (
        <p className="empty">No team has scored yet.</p>
      ) : (
        <table className="eng-table" data-testid="team-scores">
          <caption className="visually-hidden">Team scores, best average first</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Team</th>
              <th scope="col">Members</th>
              <th scope="col">Points</th>
              <th scope="col">Per member</th>
            </tr>
          </thead>
          <tbody>
            {teams.map((t, i) => (
              <tr key={t.team} data-testid="team-score">
                <td>{i + 1}</td>
                <th scope="row">{t.team}</th>
                <td>{t.members}</td>
                <td>{t.total}</td>
                <td>{t.average.toFixed(2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {mode === 'all' && board && board.participants.length > 0 ? (
        <table className="eng-table" data-testid="top-participants">
          <caption>Top attendees</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Name</th>
              <th scope="col">Team</th>
              <th scope="col">Score</th>
            </tr>
          </thead>
          <tbody>
            {board.participants.map((p) => (
              <tr key={`${p.rank}-${p.name}`}>
                <td>{p.rank}</td>
                <th scope="row">{p.name}</th>
                <td>{p.team ?? '—'}</td>
                <td>{p.score}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
