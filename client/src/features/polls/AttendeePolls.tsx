import { useId, useState, type FormEvent } from 'react';
import { normaliseWord, POLL_LIMITS, textLength, type Poll, type VoteInput } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { useToasts } from '../../lib/toasts';
import { Countdown } from './Countdown';
import { PollResultsView } from './PollResultsView';
import { describeVote, KIND_LABEL, RECEIPT } from './model';
import './polls.css';

const INSTANT = new Set<Poll['kind']>(['single', 'rating', 'nps']);

/**
 * One poll on an attendee's screen: its voting form while live (a late joiner gets it from the
 * snapshot), the receipt of their own answer in the words of that kind of poll ([UI37]), and the
 * results when the audience may see them.
 */
export function AttendeePoll({ poll }: { poll: Poll }) {
  const { state } = useLive();
  const headingId = useId();
  const myVote = state.polls.myVotes[poll.id];
  const results = state.polls.results[poll.id];
  const [changing, setChanging] = useState(false);
  const [filtered, setFiltered] = useState(false);
  const live = poll.state === 'live';
  const canChange = poll.settings.allowChange;
  const showForm = live && (!myVote || (canChange && (INSTANT.has(poll.kind) || changing)));

  return (
    <article className="poll-card" aria-labelledby={headingId} data-testid="attendee-poll" data-poll-id={poll.id} data-state={poll.state}>
      <div className="poll-meta">
        <span className="badge badge-kind">{KIND_LABEL[poll.kind]}</span>
        {live ? <span className="badge badge-live">Live</span> : <span className="badge badge-closed">Closed</span>}
        {poll.settings.anonymous ? <span className="muted small">Anonymous</span> : <span className="muted small">Your name is shown with your answer</span>}
        <Countdown poll={poll} />
      </div>
      <h3 id={headingId} className="poll-question" data-testid="poll-question">
        {poll.question}
      </h3>

      {showForm ? (
        <VoteForm
          poll={poll}
          myVote={myVote}
          labelledBy={headingId}
          onVoted={(f) => {
            setFiltered(f);
            setChanging(false);
          }}
        />
      ) : null}

      <div role="status" className="vote-status">
        {myVote ? (
          <div className="receipt" data-testid="vote-receipt">
            <p className="receipt-title">{RECEIPT[poll.kind].title} ✓</p>
            <p className="receipt-choice">
              {RECEIPT[poll.kind].yours}: <strong data-testid="my-vote">{describeVote(poll, myVote)}</strong>
            </p>
            {filtered && poll.kind === 'wordcloud' ? <p className="muted small">It counts, but it will not be shown in the cloud.</p> : null}
            {poll.kind === 'open' ? <p className="muted small">Moderators review answers before they reach the wall.</p> : null}
          </div>
        ) : !live ? (
          <p className="muted">You did not take part in this poll.</p>
        ) : null}
      </div>

      {live && myVote && !showForm && canChange ? (
        <button type="button" className="btn" onClick={() => setChanging(true)} data-testid="change-vote">
          Change my {RECEIPT[poll.kind].noun}
        </button>
      ) : null}
      {live && myVote && !canChange ? <p className="muted small">{RECEIPT[poll.kind].fixed}</p> : null}
      {live && changing && myVote && !INSTANT.has(poll.kind) ? (
        <button type="button" className="btn btn-quiet" onClick={() => setChanging(false)}>
          Keep my {RECEIPT[poll.kind].noun}
        </button>
      ) : null}
      {!live ? <p className="muted small">Voting is closed.</p> : null}

      {results ? (
        <section className="attendee-results" aria-label="Results">
          <PollResultsView poll={poll} results={results} variant="attendee" />
        </section>
      ) : live && poll.settings.resultsVisibility === 'after-close' ? (
        <p className="muted small">Results will be shown when the poll closes.</p>
      ) : poll.settings.resultsVisibility === 'presenter' && !poll.revealed ? (
        <p className="muted small">The presenter will share the results.</p>
      ) : null}
    </article>
  );
}

function VoteForm({ poll, myVote, labelledBy, onVoted }: { poll: Poll; myVote: VoteInput | undefined; labelledBy: string; onVoted: (filtered: boolean) => void }) {
  const { send } = useLive();
  const [sending, setSending] = useState(false);

  async function vote(v: VoteInput): Promise<boolean> {
    if (sending) return false;
    setSending(true);
    const ack = await send('poll:vote', { pollId: poll.id, vote: v });
    setSending(false);
    if (ack.ok) onVoted(ack.data.filtered);
    return ack.ok;
  }

  switch (poll.kind) {
    case 'single':
      return (
        <div className="vote-options" role="group" aria-labelledby={labelledBy}>
          {poll.options.map((o) => {
            const chosen = myVote?.kind === 'single' && myVote.optionId === o.id;
            return (
              <button
                key={o.id}
                type="button"
                className={`vote-option ${chosen ? 'is-chosen' : ''}`}
                aria-pressed={chosen}
                disabled={sending}
                onClick={() => void (chosen ? undefined : vote({ kind: 'single', optionId: o.id }))}
                data-testid="vote-option"
              >
                {o.label}
                {chosen ? <span aria-hidden="true"> ✓</span> : null}
              </button>
            );
          })}
        </div>
      );
    case 'multiple':
      return <MultipleForm poll={poll} myVote={myVote} sending={sending} onSubmit={vote} />;
    case 'rating':
      return (
        <ScaleButtons
          labelledBy={labelledBy}
          values={Array.from({ length: poll.scale }, (_, i) => i + 1)}
          chosen={myVote?.kind === 'rating' ? myVote.value : null}
          sending={sending}
          describe={(v) => `${v} out of ${poll.scale}`}
          onPick={(value) => void vote({ kind: 'rating', value })}
          low="Lowest"
          high="Highest"
          testId="vote-rating"
        />
      );
    case 'nps':
      return (
        <ScaleButtons
          labelledBy={labelledBy}
          values={Array.from({ length: 11 }, (_, i) => i)}
          chosen={myVote?.kind === 'nps' ? myVote.value : null}
          sending={sending}
          describe={(v) => `${v} out of 10`}
          onPick={(value) => void vote({ kind: 'nps', value })}
          low="Not likely"
          high="Very likely"
          testId="vote-nps"
        />
      );
    case 'wordcloud':
      return <TextForm kind="wordcloud" initial={myVote?.kind === 'wordcloud' ? myVote.text : ''} sending={sending} onSubmit={(text) => vote({ kind: 'wordcloud', text })} />;
    case 'open':
      return <TextForm kind="open" initial={myVote?.kind === 'open' ? myVote.text : ''} sending={sending} onSubmit={(text) => vote({ kind: 'open', text })} />;
  }
}

function ScaleButtons({
  labelledBy,
  values,
  chosen,
  sending,
  describe,
  onPick,
  low,
  high,
  testId,
}: {
  labelledBy: string;
  values: number[];
  chosen: number | null;
  sending: boolean;
  describe: (v: number) => string;
  onPick: (v: number) => void;
  low: string;
  high: string;
  testId: string;
}) {
  const lowId = useId();
  const highId = useId();
  return (
    <div className="scale">
      <div className={`scale-buttons scale-${values.length}`} role="group" aria-labelledby={labelledBy} aria-describedby={`${lowId} ${highId}`}>
        {values.map((v) => (
          <button
            key={v}
            type="button"
            className={`scale-button ${chosen === v ? 'is-chosen' : ''}`}
            aria-pressed={chosen === v}
            aria-label={describe(v)}
            disabled={sending}
            onClick={() => (chosen === v ? undefined : onPick(v))}
            data-testid={testId}
            data-value={v}
          >
            {v}
          </button>
        ))}
      </div>
      <div className="scale-ends">
        <span id={lowId}>
          {values[0]}: {low}
        </span>
        <span id={highId}>
          {values[values.length - 1]}: {high}
        </span>
      </div>
    </div>
  );
}

function MultipleForm({
  poll,
  myVote,
  sending,
  onSubmit,
}: {
  poll: Extract<Poll, { kind: 'multiple' }>;
  myVote: VoteInput | undefined;
  sending: boolean;
  onSubmit: (v: VoteInput) => Promise<boolean>;
}) {
  const toasts = useToasts();
  const [picked, setPicked] = useState<string[]>(myVote?.kind === 'multiple' ? myVote.optionIds : []);
  const hintId = useId();

  function toggle(id: string, on: boolean) {
    if (on && picked.length >= poll.maxPicks) {
      toasts.error(`You can pick up to ${poll.maxPicks} ${poll.maxPicks === 1 ? 'option' : 'options'}. Untick one first`);
      return;
    }
    setPicked((p) => (on ? [...p, id] : p.filter((x) => x !== id)));
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (picked.length === 0) return;
    // Keep the authored order so the receipt reads like the question.
    const optionIds = poll.options.map((o) => o.id).filter((id) => picked.includes(id));
    void onSubmit({ kind: 'multiple', optionIds });
  }

  return (
    <form className="stack" onSubmit={submit} data-testid="vote-multiple">
      <fieldset aria-describedby={hintId}>
        <legend className="visually-hidden">{poll.question}</legend>
        <p id={hintId} className="pick-hint">
          Pick up to {poll.maxPicks} · {picked.length} picked
        </p>
        <div className="vote-checks">
          {poll.options.map((o) => {
            const on = picked.includes(o.id);
            return (
              <label key={o.id} className={`choice ${on ? 'selected' : ''}`}>
                <input type="checkbox" checked={on} onChange={(e) => toggle(o.id, e.target.checked)} disabled={sending} />
                <span className="choice-label">{o.label}</span>
              </label>
            );
          })}
        </div>
      </fieldset>
      <button type="submit" className="btn btn-primary btn-block" disabled={sending || picked.length === 0} data-testid="vote-submit">
        {sending ? 'Sending…' : picked.length === 0 ? 'Submit' : `Submit ${picked.length} ${picked.length === 1 ? 'pick' : 'picks'}`}
      </button>
    </form>
  );
}

function TextForm({ kind, initial, sending, onSubmit }: { kind: 'wordcloud' | 'open'; initial: string; sending: boolean; onSubmit: (text: string) => Promise<boolean> }) {
  const [text, setText] = useState(initial);
  const id = useId();
  const counterId = useId();
  const max = kind === 'wordcloud' ? POLL_LIMITS.wordCloudEntry : POLL_LIMITS.openText;
  const length = kind === 'wordcloud' ? textLength(normaliseWord(text)) : textLength(text.trim());
  const tooLong = length > max;
  const empty = length === 0;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (tooLong || empty) return;
    const ok = await onSubmit(text);
    if (ok && kind === 'wordcloud') setText('');
  }

  return (
    <form className="stack" onSubmit={submit} data-testid={`vote-${kind}`}>
      <div className="field">
        <label htmlFor={id}>{kind === 'wordcloud' ? 'Your word or short phrase' : 'Your answer'}</label>
        {kind === 'wordcloud' ? (
          <input
            id={id}
            type="text"
            value={text}
            onChange={(e) => setText(e.target.value)}
            autoComplete="off"
            enterKeyHint="send"
            aria-describedby={counterId}
            aria-invalid={tooLong}
            data-testid="vote-text"
          />
        ) : (
          <textarea id={id} rows={4} value={text} onChange={(e) => setText(e.target.value)} aria-describedby={counterId} aria-invalid={tooLong} data-testid="vote-text" />
        )}
        <span id={counterId} className={`counter ${tooLong ? 'is-over' : ''}`} aria-live={tooLong ? 'polite' : 'off'}>
          {length}/{max}
          {tooLong ? ` — ${length - max} too many` : ''}
        </span>
      </div>
      <button type="submit" className="btn btn-primary btn-block" disabled={sending || tooLong || empty} data-testid="vote-submit">
        {sending ? 'Sending…' : 'Send'}
      </button>
    </form>
  );
}
