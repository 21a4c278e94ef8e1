import type { QuizPhase } from '@rally/shared';
import { OptionTiles, PlayerTable, QuestionNumber, RevealSummary, TeamStandings } from './QuizBits';
import { secondsLeft, useUntil } from './useQuizClock';
import { ordinal, teamScore } from './model';
import './quiz-play.css';

/**
 * [UI51]–[UI56] The projector's quiz: one layout per phase, read from the back of the room. Sized
 * in em inside the stage's fit box ([STAGE41]); the join panel and its QR stay beside it.
 */
export function StageQuiz({ phase }: { phase: QuizPhase }) {
  return (
    <article className={`stage-quiz stage-quiz-${phase.phase}`} data-testid="stage-quiz" data-phase={phase.phase}>
      <StagePhase phase={phase} />
    </article>
  );
}

function StagePhase({ phase: p }: { phase: QuizPhase }) {
  switch (p.phase) {
    case 'lobby':
      return (
        <>
          <p className="quiz-kicker">Quiz · {p.total} {p.total === 1 ? 'question' : 'questions'}</p>
          <h2 className="stage-quiz-title" data-testid="stage-quiz-title">
            {p.title}
          </h2>
          <p className="stage-quiz-lead">Join on your phone or laptop: the code is on the right.</p>
          <p className="quiz-cohorts quiz-joined" data-testid="stage-quiz-joined">
            <span>
              <strong>{p.joined.room}</strong> in the room
            </span>
            <span>
              <strong>{p.joined.remote}</strong> remote
            </span>
          </p>
          {p.joined.teams.length > 0 ? (
            <ul className="quiz-team-joined">
              {p.joined.teams.map((t) => (
                <li key={t.team}>
                  {t.team}: <strong>{t.room + t.remote}</strong>
                </li>
              ))}
            </ul>
          ) : null}
        </>
      );
    case 'getReady':
      return (
        <div className="stage-quiz-center">
          <p className="quiz-kicker">Get ready</p>
          <h2 className="stage-quiz-title">
            <QuestionNumber index={p.questionIndex} total={p.total} points={p.points} />
          </h2>
          <BigCount at={p.startsAt} />
        </div>
      );
    case 'teamTalk':
      return (
        <>
          <Top index={p.questionIndex} total={p.total} points={p.question.points} at={p.endsAt} label="Team talk" />
          <QuestionText text={p.question.text} imageUrl={p.question.imageUrl} index={p.questionIndex} />
          <p className="stage-quiz-lead">Talk it over with your team. Answering opens soon.</p>
          <OptionTiles question={p.question} />
        </>
      );
    case 'answering':
      return (
        <>
          <Top index={p.questionIndex} total={p.total} points={p.question.points} at={p.closesAt} label="Answer now" />
          <QuestionText text={p.question.text} imageUrl={p.question.imageUrl} index={p.questionIndex} />
          <OptionTiles question={p.question} />
          <KindHint phase={p} />
          <Answered answered={p.answered} present={p.present} />
        </>
      );
    case 'locked':
      return (
        <>
          <Top index={p.questionIndex} total={p.total} points={p.question.points} at={null} label={p.reason === 'everyone' ? 'Everyone has answered' : p.reason === 'time' ? "Time's up" : 'Answers locked'} />
          <QuestionText text={p.question.text} imageUrl={p.question.imageUrl} index={p.questionIndex} />
          <OptionTiles question={p.question} />
          <Answered answered={p.answered} present={p.present} />
        </>
      );
    case 'reveal':
      return (
        <>
          <Top index={p.questionIndex} total={p.total} points={p.question.points} at={null} label="The answer" />
          <QuestionText text={p.question.text} imageUrl={null} index={p.questionIndex} />
          <OptionTiles question={p.question} reveal={p.reveal} distribution={p.distribution} />
          <RevealSummary question={p.question} reveal={p.reveal} distribution={p.distribution} />
          {p.explanation ? (
            <p className="quiz-explanation" data-testid="quiz-explanation">
              {p.explanation}
            </p>
          ) : null}
        </>
      );
    case 'standings':
      return (
        <>
          <p className="quiz-kicker">
            Standings after question {p.questionIndex + 1} of {p.total}
          </p>
          <div className="stage-quiz-boards">
            <PlayerTable players={p.players} />
            <TeamStandings teams={p.teams} />
          </div>
        </>
      );
    case 'podium':
      return (
        <>
          <p className="quiz-kicker">Final results</p>
          <ol className="quiz-podium" data-testid="quiz-podium">
            {p.players.map((pl) => (
              <li key={pl.participantId} className={`quiz-podium-${pl.rank}`} data-testid="quiz-podium-place">
                <span className="quiz-podium-rank">{ordinal(pl.rank)}</span>
                <span className="quiz-podium-name">{pl.name}</span>
                <span className="quiz-podium-score">{pl.score} points</span>
              </li>
            ))}
          </ol>
          {p.teams.length > 0 ? (
            <div className="quiz-podium-teams">
              <TeamStandings teams={p.teams} />
            </div>
          ) : null}
          {p.players.length === 0 && p.teams.length > 0 ? <p className="quiz-muted">Winning team: {p.teams[0]!.team} ({teamScore(p.teams[0]!.score)})</p> : null}
        </>
      );
    case 'ended':
      return (
        <div className="stage-quiz-center">
          <h2 className="stage-quiz-title">Thanks for playing!</h2>
        </div>
      );
  }
}

/** The question's place, the phase's name and, while the clock runs, the seconds left. */
function Top({ index, total, points, at, label }: { index: number; total: number; points: 0 | 1 | 2; at: string | null; label: string }) {
  return (
    <div className="stage-quiz-top">
      <QuestionNumber index={index} total={total} points={points} />
      <span className="quiz-phase-label" data-testid="quiz-phase-label">
        {label}
      </span>
      {at ? <Seconds at={at} /> : null}
    </div>
  );
}

/** [UI53] The countdown on the server clock. Not a live region: a second-by-second read-out is noise. */
function Seconds({ at }: { at: string }) {
  const s = secondsLeft(useUntil(at));
  if (s === null) return null;
  return (
    <span className={`quiz-timer ${s <= 5 ? 'is-urgent' : ''}`} role="timer" aria-live="off" data-testid="quiz-timer">
      {s}
      <span className="visually-hidden"> seconds left</span>
    </span>
  );
}

function BigCount({ at }: { at: string }) {
  const s = secondsLeft(useUntil(at));
  return (
    <p className="quiz-bigcount" role="timer" aria-live="off">
      {s && s > 0 ? s : 'Go!'}
    </p>
  );
}

function QuestionText({ text, imageUrl, index }: { text: string | null; imageUrl: string | null; index: number }) {
  return (
    <>
      <h2 className="stage-quiz-question" data-testid="stage-quiz-question">
        {text ?? `Question ${index + 1}`}
      </h2>
      {imageUrl ? <img className="stage-quiz-image" src={imageUrl} alt="" /> : null}
    </>
  );
}

/** What to do for the kinds without option tiles. */
function KindHint({ phase }: { phase: Extract<QuizPhase, { phase: 'answering' }> }) {
  const q = phase.question;
  if (q.kind === 'type') return <p className="stage-quiz-lead">Type your answer on your phone or laptop.</p>;
  if (q.kind === 'number')
    return (
      <p className="stage-quiz-lead">
        Pick a number from {q.min} to {q.max} on your phone or laptop.
      </p>
    );
  if (q.kind === 'ordering')
    return (
      <>
        <p className="stage-quiz-lead">Put these in the right order on your phone or laptop:</p>
        <ul className="quiz-order-items">
          {q.items.map((i) => (
            <li key={i.id}>{i.label}</li>
          ))}
        </ul>
      </>
    );
  return null;
}

function Answered({ answered, present }: { answered: number; present: number }) {
  return (
    <p className="quiz-answered" data-testid="quiz-answered">
      <strong>{answered}</strong> of {present} answered
    </p>
  );
}

