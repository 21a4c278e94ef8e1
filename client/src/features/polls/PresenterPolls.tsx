import { useEffect, useRef, useState } from 'react';
import type { Poll, PollKind } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { isTyping } from '../../lib/keys';
import { Countdown } from './Countdown';
import { usePollCommands } from './hooks';
import { canReveal, KIND_LABEL, livePolls, sessionPolls, STATE_LABEL, voters } from './model';
import { PollEditor } from './PollEditor';
import { PollResultsView } from './PollResultsView';
import './polls.css';

const QUICK_KINDS: PollKind[] = ['single', 'rating', 'nps'];

export type PresenterDeck = ReturnType<typeof usePresenterPolls>;

/**
 * [UI20] The presenter's polls in the order a presenter needs them: live ones (including one live
 * from another session), the live session's prepared ones as Next, and the ones already run. Installs
 * the N / C / R keys once: N launches the first of Next, C closes the live poll, R reveals the live or
 * latest closed poll whose results the audience cannot see yet. Call once per screen.
 */
export function usePresenterPolls() {
  const { state } = useLive();
  const commands = usePollCommands();
  const { launch, close, reveal } = commands;
  const sessionId = state.event.liveSessionId;
  const session = state.event.agenda.find((s) => s.id === sessionId) ?? null;
  const own = sessionPolls(state.polls, sessionId);
  const live = livePolls(state.polls);
  const next = own.filter((p) => p.state === 'draft');
  const earlier = own.filter((p) => p.state === 'closed').sort((a, b) => (b.closedAt ?? '').localeCompare(a.closedAt ?? ''));

  const current = live[0] ?? null;
  const nextDraft = next[0] ?? null;
  const revealTarget = [...live, ...earlier].find(canReveal) ?? null;

  // Shortcuts read the latest state through a ref so the listener is installed once.
  const keys = useRef({ nextDraft, current, revealTarget, launch, close, reveal });
  keys.current = { nextDraft, current, revealTarget, launch, close, reveal };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.repeat || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      const k = keys.current;
      const key = e.key.toLowerCase();
      if (key === 'n' && k.nextDraft) {
        e.preventDefault();
        void k.launch(k.nextDraft);
      } else if (key === 'c' && k.current) {
        e.preventDefault();
        void k.close(k.current);
      } else if (key === 'r' && k.revealTarget) {
        e.preventDefault();
        void k.reveal(k.revealTarget);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return { ...commands, session, live, next, earlier, current, nextDraft, revealTarget };
}

function PollItems({ polls, deck }: { polls: Poll[]; deck: PresenterDeck }) {
  return (
    <ol className="presenter-poll-list">
      {polls.map((p) => (
        <PresenterPollItem
          key={p.id}
          poll={p}
          busy={deck.busy}
          isNext={p.id === deck.nextDraft?.id}
          isCurrent={p.id === deck.current?.id}
          isRevealTarget={p.id === deck.revealTarget?.id}
          onLaunch={() => void deck.launch(p)}
          onClose={() => void deck.close(p)}
          onReveal={() => void deck.reveal(p)}
        />
      ))}
    </ol>
  );
}

/** [UI20] The live poll(s), first thing on the presenter view. */
export function LivePolls({ deck }: { deck: PresenterDeck }) {
  if (deck.live.length === 0) {
    return (
      <p className="empty" data-testid="presenter-no-live-poll">
        No poll is live.{deck.nextDraft ? ' Press N to launch the next one.' : ''}
      </p>
    );
  }
  return <PollItems polls={deck.live} deck={deck} />;
}

/** [UI20] The live session's prepared polls, in order, and the quick poll. */
export function NextPolls({ deck }: { deck: PresenterDeck }) {
  const [quick, setQuick] = useState(false);
  const { session } = deck;
  return (
    <div className="presenter-polls" data-testid="presenter-polls">
      <p className="muted small">
        {session ? (
          <>
            Polls for <strong>{session.title}</strong>
          </>
        ) : (
          'No session is live: these are the polls outside the agenda.'
        )}{' '}
        · Keys: <kbd>N</kbd> launch next, <kbd>C</kbd> close, <kbd>R</kbd> reveal
      </p>
      {deck.next.length === 0 ? <p className="empty">Nothing prepared is waiting. Launch a quick poll below.</p> : <PollItems polls={deck.next} deck={deck} />}

      <div className="quick-poll">
        <button type="button" className="btn" aria-expanded={quick} onClick={() => setQuick((q) => !q)} data-testid="quick-poll-toggle">
          {quick ? 'Close the quick poll form' : 'Quick poll'}
        </button>
        {quick ? (
          <div className="editor-box">
            <h3 className="small">Quick poll, launched at once{session ? ` in ${session.title}` : ''}</h3>
            <PollEditor adhoc kinds={QUICK_KINDS} onDone={() => setQuick(false)} onCancel={() => setQuick(false)} />
          </div>
        ) : null}
      </div>
    </div>
  );
}

/** [UI21] Polls already run in this session, folded away with their count. */
export function EarlierPolls({ deck }: { deck: PresenterDeck }) {
  if (deck.earlier.length === 0) return null;
  return (
    <details className="card presenter-earlier" data-testid="presenter-earlier">
      <summary className="presenter-earlier-title">Earlier polls ({deck.earlier.length})</summary>
      <PollItems polls={deck.earlier} deck={deck} />
    </details>
  );
}

function PresenterPollItem({
  poll,
  busy,
  isNext,
  isCurrent,
  isRevealTarget,
  onLaunch,
  onClose,
  onReveal,
}: {
  poll: Poll;
  busy: string | null;
  isNext: boolean;
  isCurrent: boolean;
  isRevealTarget: boolean;
  onLaunch: () => void;
  onClose: () => void;
  onReveal: () => void;
}) {
  const { state } = useLive();
  const results = state.polls.results[poll.id];
  const present = state.presence?.counts;
  const n = voters(results);
  const q = poll.question;
  const presentTotal = present ? present.room + present.remote : null;

  return (
    <li className={`presenter-poll is-${poll.state} ${isCurrent ? 'is-current' : ''}`} data-testid="presenter-poll" data-poll-id={poll.id} data-state={poll.state}>
      <div className="presenter-poll-head">
        <span className="poll-meta">
          <span className="badge badge-kind">{KIND_LABEL[poll.kind]}</span>
          <span className={`badge badge-state-${poll.state}`}>{STATE_LABEL[poll.state]}</span>
          {poll.revealed ? <span className="badge badge-live">Revealed</span> : null}
          <Countdown poll={poll} />
        </span>
        <span className="presenter-question">{q}</span>
      </div>
      {poll.state !== 'draft' ? (
        <p className="presenter-counts" data-testid="presenter-vote-count">
          <strong>{n}</strong> {n === 1 ? 'vote' : 'votes'}
          {presentTotal !== null && poll.state === 'live' ? (
            <>
              {' '}
              · <strong data-testid="presenter-present">{presentTotal}</strong> present ({present!.room} room · {present!.remote} remote)
            </>
          ) : null}
        </p>
      ) : null}
      <div className="presenter-actions">
        {poll.state === 'draft' ? (
          <button
            type="button"
            className="btn btn-primary btn-huge"
            onClick={onLaunch}
            disabled={busy !== null}
            aria-keyshortcuts={isNext ? 'N' : undefined}
            aria-label={`Launch “${q}”`}
            data-testid="presenter-launch"
          >
            Launch{isNext ? <kbd aria-hidden="true">N</kbd> : null}
          </button>
        ) : null}
        {poll.state === 'live' ? (
          <button
            type="button"
            className="btn btn-danger btn-huge"
            onClick={onClose}
            disabled={busy !== null}
            aria-keyshortcuts={isCurrent ? 'C' : undefined}
            aria-label={`Close “${q}”`}
            data-testid="presenter-close"
          >
            Close{isCurrent ? <kbd aria-hidden="true">C</kbd> : null}
          </button>
        ) : null}
        {canReveal(poll) ? (
          <button
            type="button"
            className="btn btn-huge"
            onClick={onReveal}
            disabled={busy !== null}
            aria-keyshortcuts={isRevealTarget ? 'R' : undefined}
            aria-label={`Reveal the results of “${q}”`}
            data-testid="presenter-reveal"
          >
            Reveal{isRevealTarget ? <kbd aria-hidden="true">R</kbd> : null}
          </button>
        ) : null}
      </div>
      {results && poll.state !== 'draft' ? (
        <details className="presenter-results" open={poll.state === 'live'}>
          <summary>Results</summary>
          <PollResultsView poll={poll} results={results} variant="panel" />
        </details>
      ) : null}
    </li>
  );
}
