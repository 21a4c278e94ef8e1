import type { ReactNode } from 'react';
import { useLive } from '../../components/EventGate';
import { Countdown } from './Countdown';
import { PollResultsView } from './PollResultsView';
import './polls.css';

/**
 * [STAGE40] The projector's poll: the one the stage slot names, live (vote now) or closed (final
 * results when the audience may see them). Results sit in a polite live region. Sized in `em`, so
 * the stage's fit box scales it as a whole ([STAGE41]).
 */
export function StagePoll({ pollId }: { pollId: string }) {
  const { state } = useLive();
  const poll = state.polls.byId[pollId];
  if (!poll) return null;
  const results = state.polls.results[poll.id];
  const live = poll.state === 'live';

  return (
    <article className="stage-poll" aria-labelledby="stage-poll-question" data-testid="stage-poll" data-poll-id={poll.id} data-state={poll.state}>
      <div className="stage-poll-top">
        <span className={`stage-poll-state ${live ? 'is-live' : ''}`}>{live ? 'Vote now' : 'Final results'}</span>
        <Countdown poll={poll} className="stage-countdown" />
      </div>
      <h2 id="stage-poll-question" className="stage-poll-question" data-testid="stage-poll-question">
        {poll.question}
      </h2>
      <div className="stage-results" aria-live="polite" aria-atomic="false" data-testid="stage-results">
        {results ? (
          <PollResultsView poll={poll} results={results} variant="stage" />
        ) : (
          <HiddenResults live={live}>
            {poll.kind === 'single' || poll.kind === 'multiple' ? (
              <ol className="stage-options">
                {poll.options.map((o) => (
                  <li key={o.id}>{o.label}</li>
                ))}
              </ol>
            ) : null}
          </HiddenResults>
        )}
      </div>
    </article>
  );
}

function HiddenResults({ live, children }: { live: boolean; children: ReactNode }) {
  return (
    <div className="stage-hidden">
      {children}
      <p className="stage-hidden-note">{live ? 'Vote on your phone or laptop. Results will be revealed soon.' : 'Results coming up.'}</p>
    </div>
  );
}
