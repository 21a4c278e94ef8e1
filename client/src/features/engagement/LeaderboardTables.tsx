import type { Leaderboard, TeamScore } from '@rally/shared';

/*
 * [ENG11] [ENG12] The leaderboard's tables, shared by the moderators' panel (LeaderboardView) and
 * the attendees' card (AttendeeLeaderboard), so both show the same ranks the same way.
 */

/**
 * Teams, best average first. `compact` keeps the rank, the team and the per-member score (what
 * decides, [ENG12]) so the table fits a phone; `myTeam` marks the viewer's own row, in words too,
 * since a highlight alone is invisible to a screen reader.
 */
export function TeamScoresTable({ teams, myTeam = null, compact = false }: { teams: (TeamScore & { rank?: number })[]; myTeam?: string | null; compact?: boolean }) {
  return (
    <table className={compact ? 'eng-table is-compact' : 'eng-table'} data-testid="team-scores">
      <caption className="visually-hidden">Team scores, best average first</caption>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Team</th>
          {compact ? null : <th scope="col">Members</th>}
          {compact ? null : <th scope="col">Points</th>}
          <th scope="col">Per member</th>
        </tr>
      </thead>
      <tbody>
        {teams.map((t, i) => {
          const mine = myTeam !== null && t.team === myTeam;
          return (
            <tr key={t.team} data-testid="team-score" className={mine ? 'is-mine' : undefined} data-mine={mine || undefined}>
              <td>{t.rank ?? i + 1}</td>
              <th scope="row">
                {t.team}
                {mine ? <span className="mine-tag"> (your team)</span> : null}
              </th>
              {compact ? null : <td>{t.members}</td>}
              {compact ? null : <td>{t.total}</td>}
              <td>{t.average.toFixed(2)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The top attendees by score (mode 'all'); `captionHidden` where a heading already says so. */
export function TopAttendeesTable({ participants, captionHidden = false }: { participants: Leaderboard['participants']; captionHidden?: boolean }) {
  return (
    <table className="eng-table" data-testid="top-participants">
      <caption className={captionHidden ? 'visually-hidden' : undefined}>Top attendees</caption>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Name</th>
          <th scope="col">Team</th>
          <th scope="col">Score</th>
        </tr>
      </thead>
      <tbody>
        {participants.map((p) => (
          <tr key={`${p.rank}-${p.name}`}>
            <td>{p.rank}</td>
            <th scope="row">{p.name}</th>
            <td>{p.team ?? '—'}</td>
            <td>{p.score}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
