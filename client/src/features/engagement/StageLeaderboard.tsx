import type { Leaderboard } from '@rally/shared';
import { PageOf, paginate, useRotatingPage } from '../stage/paging';
import { TeamScoresTable, TopAttendeesTable } from './LeaderboardTables';

/** Rows on one projector page: readable from the back of the room at 1024x768 too. */
const ROWS_PER_PAGE = 8;

/**
 * [ENG11] [STAGE40] [STAGE45] The leaderboard on the projector: teams (best average first), or the
 * top attendees when the organiser shows people and the board has them. A long board rotates
 * through pages ("Page 1 of 3") instead of running off the screen.
 */
export function StageLeaderboard({ board, leaderboard }: { board: 'people' | 'teams'; leaderboard: Leaderboard }) {
  const people = board === 'people' && leaderboard.participants.length > 0;
  const teamPages = paginate(leaderboard.teams, () => 1, ROWS_PER_PAGE, ROWS_PER_PAGE);
  const peoplePages = paginate(leaderboard.participants, () => 1, ROWS_PER_PAGE, ROWS_PER_PAGE);
  const count = people ? peoplePages.length : teamPages.length;
  const index = useRotatingPage(count);
  const rows = people ? leaderboard.participants.length : leaderboard.teams.length;
  return (
    <article className="stage-leaderboard" aria-labelledby="stage-leaderboard-title" data-testid="stage-leaderboard" data-board={people ? 'people' : 'teams'}>
      <div className="stage-leaderboard-head">
        <h2 id="stage-leaderboard-title" className="stage-leaderboard-title">
          {people ? 'Top attendees' : 'Team leaderboard'}
        </h2>
        <PageOf index={index} count={count} />
      </div>
      {rows === 0 ? (
        <p className="stage-leaderboard-empty">No scores yet.</p>
      ) : people ? (
        <TopAttendeesTable participants={peoplePages[index] ?? []} captionHidden />
      ) : (
        <TeamScoresTable teams={teamPages[index] ?? []} />
      )}
    </article>
  );
}
