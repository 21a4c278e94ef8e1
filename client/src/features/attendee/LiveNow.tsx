import type { StageSlot } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { AttendeePoll } from '../polls/AttendeePolls';
import { livePolls } from '../polls/model';
import { OnStageQuestion } from '../qa/AttendeeQuestions';
import { PlayerQuiz } from '../quiz-play/PlayerQuiz';
import { stageTakeaway } from '../../lib/breakoutState';

/** [UI32] What an attendee reads when nothing is on stage: true today, no promise of more. */
export const NOTHING_ON_STAGE_TEXT = 'Nothing on stage right now. Polls, quizzes and questions appear here when the presenter puts them on stage.';

/**
 * [UI32] [UI33] "Live now": what the stage slot shows, as the attendee takes part in it (the
 * poll's voting card or its results, the question with its upvote), then every other poll still
 * open: the stage moving on does not take away an attendee's chance to vote.
 */
export function LiveNow() {
  const { state } = useLive();
  const slot = state.stage.onStage.slot;
  const onStagePoll = slot.kind === 'poll' ? slot.pollId : null;
  const others = livePolls(state.polls).filter((p) => p.id !== onStagePoll);
  return (
    <section className="card activity" aria-labelledby="activity-heading" data-testid="activity-area" data-slot={slot.kind}>
      <h2 id="activity-heading">Live now</h2>
      <div className="on-stage" data-testid="on-stage">
        <OnStage slot={slot} />
      </div>
      {others.length > 0 ? (
        <section className="also-open" aria-labelledby="also-open-heading" data-testid="also-open">
          <h3 id="also-open-heading">Also open</h3>
          <div className="attendee-polls">
            {others.map((p) => (
              <AttendeePoll key={p.id} poll={p} />
            ))}
          </div>
        </section>
      ) : null}
    </section>
  );
}

function OnStage({ slot }: { slot: StageSlot }) {
  const { state } = useLive();
  const empty = (
    <p className="empty" data-testid="activity-empty">
      {NOTHING_ON_STAGE_TEXT}
    </p>
  );
  switch (slot.kind) {
    case 'idle':
      return empty;
    case 'poll': {
      const poll = state.polls.byId[slot.pollId];
      // A draft is never shown to attendees; a poll this client does not know yet shows nothing.
      if (!poll || poll.state === 'draft') return empty;
      return <AttendeePoll poll={poll} />;
    }
    case 'question':
      return state.qa.byId[slot.questionId] ? <OnStageQuestion questionId={slot.questionId} /> : empty;
    case 'quiz': {
      // [UI58] A run that ended leaves "Live now" as if nothing were on stage.
      const phase = state.quizPlay.runs[slot.runId]?.phase;
      return phase?.phase === 'ended' ? empty : <PlayerQuiz runId={slot.runId} />;
    }
    case 'leaderboard':
      return (
        <p className="empty" data-testid="on-stage-leaderboard">
          The {slot.board === 'teams' ? 'team ' : ''}leaderboard is on the stage screen.
          {state.engagement.leaderboard && state.engagement.leaderboard.mode !== 'off' ? ' You can see it further down this page.' : ''}
        </p>
      );
    case 'takeaway': {
      // [BRK77] The takeaway itself when this screen holds it (it comes with the stage:show).
      const t = stageTakeaway(state.breakouts, slot.roundId, slot.roomId);
      return t ? (
        <blockquote className="on-stage-takeaway" data-testid="on-stage-takeaway">
          <p className="muted small">Takeaway from {t.roomName}</p>
          <p>“{t.text}”</p>
        </blockquote>
      ) : (
        <p className="empty" data-testid="on-stage-takeaway">
          A breakout room’s takeaway is on the stage screen.
        </p>
      );
    }
  }
}
