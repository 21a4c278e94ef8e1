import { useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { Poll } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { normalizeCode } from '../../lib/joinCode';
import { stageQuestion } from '../../lib/qaState';
import { Countdown } from '../polls/Countdown';
import { usePollCommands } from '../polls/hooks';
import { canReveal, livePolls, sessionPolls, voters } from '../polls/model';
import { PollResultsView } from '../polls/PollResultsView';
import { authorOf, OriginBadge, useQaCommand } from '../qa/QuestionBits';
import { excerpt } from '../qa/model';
import { AnnouncementCard } from '../stage-live/AnnouncementCard';
import { describeSlot } from '../stage-live/describeSlot';
import { NotesPanel, timeFmt } from '../stage-live/ModeratorStage';
import { StaffQuiz } from '../quiz-play/StaffQuiz';
import { AgendaCard } from './AgendaCard';
import { PresenceCounts } from './PresenceCounts';
import { sectionPath } from './paths';

/**
 * [UI13] What is happening now, on one screen: the stage slot and a way to clear it, the live poll
 * and its controls, the question on stage, the announcement and its composer, who is online and
 * which session is live, and the notes to the presenters. Everything else is a section away.
 */
export function LiveSection() {
  return (
    <div className="console-live">
      <div className="console-live-col">
        <Slot order={1}>
          <StageNowCard />
        </Slot>
        <Slot order={3}>
          <QuizCard />
        </Slot>
        <Slot order={4}>
          <StageQuestionCard />
        </Slot>
        <Slot order={6}>
          <AudienceCard />
        </Slot>
      </div>
      <div className="console-live-col">
        <Slot order={2}>
          <LivePollCard />
        </Slot>
        <Slot order={5}>
          <AnnouncementCard />
        </Slot>
        <Slot order={7}>
          <NotesPanel />
        </Slot>
      </div>
    </div>
  );
}

/** A card's place in the one-column reading order (the columns are display: contents there). */
function Slot({ order, children }: { order: number; children: ReactNode }) {
  return <div style={{ order }}>{children}</div>;
}

/** A link to another console section, by its path. */
function SectionLink({ path, children }: { path: string; children: string }) {
  const code = normalizeCode(useParams().code ?? '');
  return <Link to={sectionPath(code, path)}>{children}</Link>;
}

/** [STAGE30] [STAGE31] What the projector shows now (one slot per event). */
function StageNowCard() {
  const { state, send } = useLive();
  const [busy, setBusy] = useState(false);
  const on = state.stage.onStage;
  const { what, detail } = describeSlot(on.slot, state);
  const board = state.engagement.settings?.leaderboard ?? 'off';

  async function run(fn: () => Promise<unknown>) {
    setBusy(true);
    await fn();
    setBusy(false);
  }

  return (
    <section className="card console-card" aria-labelledby="live-stage-h" data-testid="console-stage">
      <h2 id="live-stage-h">On stage now</h2>
      <p className="console-big" data-testid="console-stage-slot" data-kind={on.slot.kind}>
        <strong>{what}</strong>
        {on.at && on.slot.kind !== 'idle' ? <span className="muted small"> since {timeFmt.format(new Date(on.at))}</span> : null}
      </p>
      {detail ? <p className="console-detail">{detail}</p> : null}
      <div className="row">
        <button
          type="button"
          className="btn btn-small"
          onClick={() => void run(() => send('stage:clear', {}))}
          disabled={busy || on.slot.kind === 'idle'}
          data-testid="console-clear-stage"
        >
          Clear stage
        </button>
        {board !== 'off' ? (
          <button
            type="button"
            className="btn btn-small"
            onClick={() => void run(() => send('stage:show', { slot: { kind: 'leaderboard', board: board === 'all' ? 'people' : 'teams' } }))}
            disabled={busy || on.slot.kind === 'leaderboard'}
            data-testid="console-show-leaderboard"
          >
            Show the leaderboard
          </button>
        ) : null}
      </div>
    </section>
  );
}

/** The newest live poll with close / reveal, and the next prepared poll of the live session to launch. */
function LivePollCard() {
  const { state, send } = useLive();
  const { busy, launch, close, reveal, run } = usePollCommands();
  const live = livePolls(state.polls)[0] ?? null;
  const next = sessionPolls(state.polls, state.event.liveSessionId).find((p) => p.state === 'draft') ?? null;
  const onStage = state.stage.onStage.slot;
  const shownHere = (p: Poll) => onStage.kind === 'poll' && onStage.pollId === p.id;

  return (
    <section className="card console-card" aria-labelledby="live-poll-h" data-testid="console-live-poll">
      <div className="row spread">
        <h2 id="live-poll-h">Live poll</h2>
        <SectionLink path="polls">All polls</SectionLink>
      </div>
      {live ? (
        <>
          <p className="console-big">
            <span className="badge badge-live">Live</span> <strong data-testid="console-live-poll-question">{live.question}</strong> <Countdown poll={live} />
          </p>
          <p className="muted small" data-testid="console-live-poll-votes">
            {voters(state.polls.results[live.id])} {voters(state.polls.results[live.id]) === 1 ? 'vote' : 'votes'}
          </p>
          <div className="row">
            <button type="button" className="btn btn-small btn-danger" onClick={() => void close(live)} disabled={busy !== null} aria-label={`Close “${live.question}”`}>
              Close
            </button>
            {canReveal(live) ? (
              <button type="button" className="btn btn-small" onClick={() => void reveal(live)} disabled={busy !== null} aria-label={`Reveal the results of “${live.question}”`}>
                Reveal
              </button>
            ) : null}
            {!shownHere(live) ? (
              <button
                type="button"
                className="btn btn-small"
                onClick={() => void run(`show:${live.id}`, () => send('stage:show', { slot: { kind: 'poll', pollId: live.id } }))}
                disabled={busy !== null}
                aria-label={`Show “${live.question}” on the stage`}
              >
                Show on stage
              </button>
            ) : null}
          </div>
          {state.polls.results[live.id] ? (
            <details className="console-results">
              <summary>Results so far</summary>
              <PollResultsView poll={live} results={state.polls.results[live.id]!} variant="panel" />
            </details>
          ) : null}
        </>
      ) : (
        <p className="empty" data-testid="console-no-live-poll">
          No poll is live.
        </p>
      )}
      {next ? (
        <div className="console-next" data-testid="console-next-poll">
          <p className="small">
            <span className="muted">Next in this session:</span> {next.question}
          </p>
          <button type="button" className="btn btn-small btn-primary" onClick={() => void launch(next)} disabled={busy !== null} aria-label={`Launch “${next.question}”`}>
            Launch
          </button>
        </div>
      ) : null}
    </section>
  );
}

/** [UI64] [UI67] The quiz on stage with its controls, or the session's quizzes to run. */
function QuizCard() {
  return (
    <section className="card console-card" aria-labelledby="live-quiz-h" data-testid="console-quiz">
      <div className="row spread">
        <h2 id="live-quiz-h">Quiz</h2>
        <SectionLink path="quiz">All quizzes</SectionLink>
      </div>
      <StaffQuiz quizLink={<SectionLink path="quiz">Write one in the Quiz section</SectionLink>} />
    </section>
  );
}

/** [QA17] The audience question on the stage, and the queue's size, a section away. */
function StageQuestionCard() {
  const { state } = useLive();
  const { busy, run } = useQaCommand();
  const q = stageQuestion(state.qa);
  let approved = 0;
  for (const x of Object.values(state.qa.byId)) if (x.state === 'approved') approved++;

  return (
    <section className="card console-card" aria-labelledby="live-q-h" data-testid="console-stage-question">
      <div className="row spread">
        <h2 id="live-q-h">Question on stage</h2>
        <SectionLink path="qa">Q&amp;A queue</SectionLink>
      </div>
      {q ? (
        <>
          <p className="console-detail" data-testid="console-stage-question-text">
            {excerpt(q.text, 200)}
          </p>
          <p className="muted small">
            {authorOf(q)} <OriginBadge origin={q.origin} />
          </p>
          <button type="button" className="btn btn-small" disabled={busy !== null} onClick={() => void run('clear', 'question:highlight', { questionId: null })}>
            Take the question off the stage
          </button>
        </>
      ) : (
        <p className="empty">No question is on the stage.</p>
      )}
      <p className="muted small">
        {approved} approved {approved === 1 ? 'question' : 'questions'} ready to show.
      </p>
    </section>
  );
}

/** [PRES1] [AG1] Who is online, and which session is live. */
function AudienceCard() {
  const { state } = useLive();
  return (
    <div className="stack">
      {state.presence ? (
        <section className="card console-card" aria-labelledby="live-aud-h" data-testid="console-audience">
          <div className="row spread">
            <h2 id="live-aud-h">Online</h2>
            <SectionLink path="people">People</SectionLink>
          </div>
          <PresenceCounts counts={state.presence.counts} />
        </section>
      ) : null}
      <AgendaCard />
    </div>
  );
}
