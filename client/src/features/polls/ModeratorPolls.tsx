import { useId, useState } from 'react';
import type { AgendaSession, Poll } from '@rally/shared';
import { DownloadButton } from '../../components/DownloadButton';
import { useLive } from '../../components/EventGate';
import { sortedAgenda, timeRange } from '../../lib/agenda';
import { AnswerModeration } from './AnswerModeration';
import { Countdown } from './Countdown';
import { usePollCommands } from './hooks';
import { canReveal, KIND_LABEL, sessionPolls, STATE_LABEL, VISIBILITY_LABEL, voters } from './model';
import { PollEditor } from './PollEditor';
import { PollResultsView } from './PollResultsView';
import './polls.css';

/**
 * The moderator panel's Polls section: one block per agenda session (and one for polls outside the
 * agenda) to create, edit, delete, duplicate, reorder, launch, close and reveal, with live results
 * split by cohort, the open-text moderation wall, and the CSV export.
 */
export function ModeratorPolls({ code }: { code: string }) {
  const { state } = useLive();
  const agenda = sortedAgenda(state.event);
  const outside = sessionPolls(state.polls, null);
  return (
    <section className="card polls-section" aria-labelledby="mod-polls-heading" data-testid="moderator-polls">
      <div className="row spread">
        <h2 id="mod-polls-heading">Polls</h2>
        {/* [POLL25] */}
        <DownloadButton
          code={code}
          path="polls/results.csv"
          label="Download CSV"
          fallbackName={`rally-polls-${code}.csv`}
          what="the poll results"
          testId="download-csv"
          statusTestId="download-status"
        />
      </div>
      {agenda.map((s) => (
        <SessionPolls key={s.id} session={s} live={s.id === state.event.liveSessionId} />
      ))}
      {agenda.length === 0 || outside.length > 0 ? <SessionPolls session={null} live={false} /> : null}
    </section>
  );
}

function SessionPolls({ session, live }: { session: AgendaSession | null; live: boolean }) {
  const { state } = useLive();
  const [adding, setAdding] = useState(false);
  const headingId = useId();
  const polls = sessionPolls(state.polls, session?.id ?? null);
  const title = session ? session.title : 'Outside the agenda';

  return (
    <section className="session-polls" aria-labelledby={headingId} data-testid="session-polls" data-session-id={session?.id ?? ''}>
      <div className="row spread">
        <h3 id={headingId}>
          {title} {live ? <span className="badge badge-live">Live now</span> : null}
          {session ? <span className="muted small session-time"> {timeRange(session)}</span> : null}
        </h3>
        <button type="button" className="btn btn-small" aria-expanded={adding} onClick={() => setAdding((a) => !a)} aria-label={`Add a poll to “${title}”`} data-testid="add-poll">
          {adding ? 'Close the form' : 'Add a poll'}
        </button>
      </div>
      {adding ? (
        <div className="editor-box">
          <PollEditor sessionId={session?.id ?? null} onDone={() => setAdding(false)} onCancel={() => setAdding(false)} />
        </div>
      ) : null}
      {polls.length === 0 ? <p className="empty">No polls for this session yet.</p> : null}
      <ol className="poll-list">
        {polls.map((p, i) => (
          <ModeratorPollRow key={p.id} poll={p} index={i} siblings={polls} />
        ))}
      </ol>
    </section>
  );
}

function ModeratorPollRow({ poll, index, siblings }: { poll: Poll; index: number; siblings: Poll[] }) {
  const { state, send } = useLive();
  const { busy, run, launch, close, reveal } = usePollCommands();
  const [editing, setEditing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const results = state.polls.results[poll.id];
  const q = poll.question;

  function move(delta: -1 | 1) {
    const ids = siblings.map((p) => p.id);
    const j = index + delta;
    if (j < 0 || j >= ids.length) return;
    [ids[index], ids[j]] = [ids[j]!, ids[index]!];
    void run(`move:${poll.id}`, () => send('poll:reorder', { sessionId: poll.sessionId, pollIds: ids }));
  }

  const s = poll.settings;
  return (
    <li className={`poll-row is-${poll.state}`} data-testid="poll-row" data-poll-id={poll.id} data-state={poll.state}>
      <div className="poll-row-head">
        <span className="poll-index" aria-hidden="true">
          {index + 1}
        </span>
        <div className="poll-row-main">
          <span className="poll-row-question" data-testid="poll-row-question">
            {q}
          </span>
          <span className="poll-meta">
            <span className="badge badge-kind">{KIND_LABEL[poll.kind]}</span>
            <span className={`badge badge-state-${poll.state}`} data-testid="poll-state">
              {STATE_LABEL[poll.state]}
            </span>
            {poll.revealed ? <span className="badge badge-live">Revealed</span> : null}
            <span className="muted small">
              {s.anonymous ? 'Anonymous' : 'Named'} · {VISIBILITY_LABEL[s.resultsVisibility]} · {s.allowChange ? 'Changes allowed' : 'No changes'}
              {s.durationSec ? ` · ${s.durationSec}s timer` : ''}
            </span>
            <Countdown poll={poll} />
          </span>
          {poll.kind === 'single' || poll.kind === 'multiple' ? (
            <span className="muted small">
              {poll.options.map((o) => o.label).join(' · ')}
              {poll.kind === 'multiple' ? ` (pick up to ${poll.maxPicks})` : ''}
            </span>
          ) : poll.kind === 'rating' ? (
            <span className="muted small">Scale 1–{poll.scale}</span>
          ) : null}
        </div>
      </div>

      <div className="poll-actions">
        {poll.state === 'draft' ? (
          <>
            <button type="button" className="btn btn-small btn-primary" onClick={() => void launch(poll)} disabled={busy !== null} aria-label={`Launch “${q}”`} data-testid="poll-launch">
              Launch
            </button>
            <button type="button" className="btn btn-small" onClick={() => setEditing((e) => !e)} aria-expanded={editing} aria-label={`Edit “${q}”`} data-testid="poll-edit">
              Edit
            </button>
          </>
        ) : null}
        {poll.state === 'live' ? (
          <button type="button" className="btn btn-small btn-danger" onClick={() => void close(poll)} disabled={busy !== null} aria-label={`Close “${q}”`} data-testid="poll-close">
            Close
          </button>
        ) : null}
        {canReveal(poll) ? (
          <button type="button" className="btn btn-small" onClick={() => void reveal(poll)} disabled={busy !== null} aria-label={`Reveal the results of “${q}”`} data-testid="poll-reveal">
            Reveal
          </button>
        ) : null}
        <button
          type="button"
          className="btn btn-small"
          onClick={() => void run(`dup:${poll.id}`, () => send('poll:duplicate', { pollId: poll.id }))}
          disabled={busy !== null}
          aria-label={`Duplicate “${q}”`}
          data-testid="poll-duplicate"
        >
          Duplicate
        </button>
        <button type="button" className="btn btn-small" onClick={() => move(-1)} disabled={busy !== null || index === 0} aria-label={`Move “${q}” up`} data-testid="poll-up">
          ↑ Up
        </button>
        <button type="button" className="btn btn-small" onClick={() => move(1)} disabled={busy !== null || index === siblings.length - 1} aria-label={`Move “${q}” down`} data-testid="poll-down">
          ↓ Down
        </button>
        {poll.state === 'draft' ? (
          confirmDelete ? (
            <>
              <button
                type="button"
                className="btn btn-small btn-danger"
                onClick={() => void run(`del:${poll.id}`, () => send('poll:delete', { pollId: poll.id }))}
                disabled={busy !== null}
                aria-label={`Confirm deleting “${q}”`}
                data-testid="poll-delete-confirm"
              >
                Confirm delete
              </button>
              <button type="button" className="btn btn-small btn-quiet" onClick={() => setConfirmDelete(false)}>
                Cancel
              </button>
            </>
          ) : (
            <button type="button" className="btn btn-small btn-danger-outline" onClick={() => setConfirmDelete(true)} aria-label={`Delete “${q}”`} data-testid="poll-delete">
              Delete
            </button>
          )
        ) : null}
      </div>

      {editing && poll.state === 'draft' ? (
        <div className="editor-box">
          <PollEditor sessionId={poll.sessionId} poll={poll} onDone={() => setEditing(false)} onCancel={() => setEditing(false)} />
        </div>
      ) : null}

      {poll.state === 'live' && results ? <PollResultsView poll={poll} results={results} variant="panel" /> : null}
      {/* [UI22] A closed poll's results fold away: a session's past polls would push the next one screens down. */}
      {poll.state === 'closed' && results ? (
        <details className="closed-results" data-testid="closed-results">
          <summary>
            Results: {voters(results)} {voters(results) === 1 ? 'vote' : 'votes'}
          </summary>
          <PollResultsView poll={poll} results={results} variant="panel" />
        </details>
      ) : null}
      {poll.state !== 'draft' && !results ? <p className="muted small">Waiting for the first results…</p> : null}
      {poll.kind === 'open' && poll.state !== 'draft' ? <AnswerModeration poll={poll} /> : null}
    </li>
  );
}
