import { useEffect } from 'react';
import { useLive } from '../../components/EventGate';
import { ConnectionPill } from '../../components/ConnectionPill';
import { nowAndNext } from '../../lib/agenda';
import { StageLeaderboard } from '../engagement/StageLeaderboard';
import { StagePoll } from '../polls/StagePoll';
import { StageQuestion } from '../qa/StageQuestion';
import { StageQuiz } from '../quiz-play/StageQuiz';
import { StageTakeaway } from '../breakouts/StageTakeaway';
import { ReactionBursts, StageAnnouncement, StageLogo, StageReactionTotals, StageRemoteWatching, useBrandingStyle } from '../stage-live/StageExtras';
import { FitBox } from './FitBox';
import { StageIdle } from './StageIdle';
import { StageJoin } from './StageJoin';
import { stageView } from './stageView';
import './stage-screen.css';

/**
 * The projector: read from the back of the room, nothing to click. It draws the stage slot
 * ([STAGE40]) in one fixed frame the size of the screen ([STAGE43]): the event and session on top,
 * the announcement band under them when there is one, the activity beside the join panel (QR and
 * codes), the counts at the bottom. Each part sits in a fit box that scales its content down
 * rather than let it overflow ([STAGE41]), and nothing is drawn over the QR code ([STAGE44]).
 */
export function StageScreen({ code }: { code: string }) {
  const { state, connection } = useLive();
  const { now } = nowAndNext(state.event);
  const view = stageView(state);
  const brandStyle = useBrandingStyle();
  const counts = state.presence?.counts;

  useEffect(() => {
    document.body.classList.add('stage-body');
    return () => document.body.classList.remove('stage-body');
  }, []);

  return (
    <main className="stage branded" style={brandStyle} data-testid="stage-screen" data-slot={view.kind}>
      <header className="stage-head">
        <FitBox className="stage-head-fit">
          <div className="stage-brand">
            <StageLogo />
            <h1 className="stage-event" data-testid="stage-event-name">
              {state.event.name}
            </h1>
          </div>
          {view.kind !== 'idle' ? (
            <p className="stage-session" data-testid="stage-live-session">
              {now ? now.title : '\u00a0'}
            </p>
          ) : null}
        </FitBox>
        <div className="stage-pill">
          <ConnectionPill state={connection} />
        </div>
      </header>
      <StageAnnouncement />
      <section className="stage-activity" aria-label="Live activity">
        {/* Always mounted, so the first question put on stage is announced too ([QA17]). */}
        <div className="stage-question-region" aria-live="polite" data-testid="stage-question-region">
          {view.kind === 'question' ? (
            <FitBox className="stage-activity-fit">
              <StageQuestion questionId={view.question.id} />
            </FitBox>
          ) : null}
        </div>
        {view.kind === 'poll' ? (
          <FitBox className="stage-activity-fit">
            <StagePoll pollId={view.poll.id} />
          </FitBox>
        ) : null}
        {view.kind === 'leaderboard' ? (
          <FitBox className="stage-activity-fit">
            <StageLeaderboard board={view.board} leaderboard={view.leaderboard} />
          </FitBox>
        ) : null}
        {view.kind === 'quiz' ? (
          <FitBox className="stage-activity-fit" testId="stage-quiz-fit">
            <StageQuiz phase={view.phase} />
          </FitBox>
        ) : null}
        {view.kind === 'takeaway' ? (
          <FitBox className="stage-activity-fit" testId="stage-takeaway-fit">
            <StageTakeaway roomName={view.roomName} text={view.text} byName={view.byName} />
          </FitBox>
        ) : null}
        {view.kind === 'idle' ? (
          <FitBox className="stage-activity-fit">
            <StageIdle />
          </FitBox>
        ) : null}
        <ReactionBursts />
      </section>
      <StageJoin code={code} />
      <footer className="stage-foot">
        <FitBox className="stage-foot-fit">
          <div className="stage-foot-row">
            {counts ? (
              <p className="stage-counts" data-testid="stage-counts">
                <span>
                  <strong>{counts.room}</strong> in the room
                </span>
                <span>
                  <strong>{counts.remote}</strong> remote
                </span>
              </p>
            ) : null}
            <StageRemoteWatching />
            <StageReactionTotals />
          </div>
        </FitBox>
      </footer>
    </main>
  );
}
