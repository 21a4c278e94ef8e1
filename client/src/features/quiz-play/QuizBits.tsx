import type { PlayerQuestion, QuizDistribution, QuizPlayerStanding, QuizReveal, QuizTeamStanding } from '@rally/shared';
import { barShares, choicesOf, correctIndexes, correctText, markOf, teamScore, tugOfWar } from './model';
import { ShapeIcon } from './Shape';

/** Pieces shared by the stage screen and the staff views, sized in em. */

/** "Question 2 of 5" with the ×2 / no-points badge. */
export function QuestionNumber({ index, total, points }: { index: number; total: number; points: 0 | 1 | 2 }) {
  return (
    <span className="quiz-qnum" data-testid="quiz-qnum">
      Question {index + 1} of {total}
      {points === 2 ? (
        <span className="quiz-badge quiz-badge-double" data-testid="quiz-double">
          Double points ×2
        </span>
      ) : null}
      {points === 0 ? <span className="quiz-badge">Warm-up: no points</span> : null}
    </span>
  );
}

/**
 * [UI53] [UI54] The options as coloured tiles, each with its shape, the shape's name for screen
 * readers and the text. At the reveal the correct ones are marked (a tick and the word, not colour
 * alone), the others dimmed, and each shows how the room and the remote audience answered.
 */
export function OptionTiles({ question, reveal, distribution, testId = 'quiz-options' }: { question: PlayerQuestion; reveal?: QuizReveal; distribution?: QuizDistribution; testId?: string }) {
  const choices = choicesOf(question);
  if (choices.length === 0) return null;
  const correct = reveal ? new Set(correctIndexes(reveal)) : null;
  return (
    <ol className={`quiz-tiles ${correct ? 'is-revealed' : ''}`} data-testid={testId}>
      {choices.map((label, i) => {
        const mark = markOf(i);
        const isCorrect = correct?.has(i) ?? false;
        const counts = distribution?.options[i];
        const shares = counts && distribution ? barShares(counts, distribution) : null;
        return (
          <li
            key={i}
            className={`quiz-tile ${correct ? (isCorrect ? 'is-correct' : 'is-wrong') : ''}`}
            style={{ background: mark.colour }}
            data-testid="quiz-option"
            data-shape={mark.shape}
            data-correct={correct ? String(isCorrect) : undefined}
          >
            <ShapeIcon index={i} />
            <span className="visually-hidden">{mark.name}: </span>
            <span className="quiz-tile-text">{label}</span>
            {isCorrect ? (
              <span className="quiz-tick" data-testid="quiz-correct-mark">
                ✓ <span className="quiz-tick-word">Correct</span>
              </span>
            ) : null}
            {shares && counts ? (
              // role="img": a bare span may not carry a name (axe aria-prohibited-attr); the bar is one picture, named by its counts.
              <span className="quiz-bar" role="img" aria-label={`${counts.room} in the room, ${counts.remote} remote`} data-testid="quiz-bar">
                <span className="quiz-bar-track" aria-hidden="true">
                  <span className="quiz-bar-room" style={{ width: `${shares.room}%` }} />
                  <span className="quiz-bar-remote" style={{ width: `${shares.remote}%` }} />
                </span>
                <span className="quiz-bar-count" aria-hidden="true">
                  {counts.room} room · {counts.remote} remote
                </span>
              </span>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}

/** [UI54] The correct answer in words (type, ordering, number) and how many got it right per cohort. */
export function RevealSummary({ question, reveal, distribution }: { question: PlayerQuestion; reveal: QuizReveal; distribution: QuizDistribution }) {
  const { answered, correct } = distribution;
  return (
    <div className="quiz-reveal-summary" data-testid="quiz-reveal-summary">
      {choicesOf(question).length === 0 ? (
        <p className="quiz-answer-line">
          <span className="quiz-tick">✓</span> <span data-testid="quiz-correct-text">{correctText(question, reveal)}</span>
        </p>
      ) : null}
      <p className="quiz-cohorts" data-testid="quiz-cohort-correct">
        <span>
          Room: <strong>{correct.room}</strong> of {answered.room} right
        </span>
        <span>
          Remote: <strong>{correct.remote}</strong> of {answered.remote} right
        </span>
      </p>
    </div>
  );
}

/** [UI55] Player standings, best first. */
export function PlayerTable({ players, testId = 'quiz-standings' }: { players: readonly QuizPlayerStanding[]; testId?: string }) {
  if (players.length === 0) return <p className="quiz-muted">No scores yet.</p>;
  return (
    <ol className="quiz-table" data-testid={testId}>
      {players.map((p) => (
        <li key={p.participantId} data-testid="quiz-standing-row">
          <span className="quiz-rank">{p.rank}</span>
          <span className="quiz-name">
            {p.name}
            {p.team ? <span className="quiz-team-tag"> {p.team}</span> : null}
          </span>
          <span className="quiz-score">{p.score}</span>
        </li>
      ))}
    </ol>
  );
}

/** [UI55] Team standings; room against remote as a tug of war. */
export function TeamStandings({ teams }: { teams: readonly QuizTeamStanding[] }) {
  if (teams.length === 0) return null;
  const tug = tugOfWar(teams);
  if (tug) {
    const leader = tug.room === tug.remote ? 'Level' : tug.room > tug.remote ? 'The room leads' : 'Remote leads';
    return (
      <div className="quiz-tug" data-testid="quiz-tug">
        <p className="quiz-tug-title">
          Room vs Remote: <strong data-testid="quiz-tug-leader">{leader}</strong>
        </p>
        <p className="quiz-tug-scores">
          <span>
            Room <strong data-testid="quiz-tug-room">{teamScore(tug.room)}</strong>
          </span>
          <span>
            Remote <strong data-testid="quiz-tug-remote">{teamScore(tug.remote)}</strong>
          </span>
        </p>
        {/* The rope: the room pulls from the left, remote from the right; the scores above say it in words. */}
        <div className="quiz-tug-bar" aria-hidden="true">
          <span className="quiz-tug-room" style={{ width: `${tug.roomShare}%` }} />
          <span className="quiz-tug-remote" />
        </div>
      </div>
    );
  }
  return (
    <ol className="quiz-table quiz-teams" data-testid="quiz-team-standings" aria-label="Team standings">
      {teams.map((t) => (
        <li key={t.team}>
          <span className="quiz-rank">{t.rank}</span>
          <span className="quiz-name">{t.team}</span>
          <span className="quiz-score">{teamScore(t.score)}</span>
        </li>
      ))}
    </ol>
  );
}
