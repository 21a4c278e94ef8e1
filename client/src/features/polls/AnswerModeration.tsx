import { useState } from 'react';
import type { Poll, PollAnswer } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { useToasts } from '../../lib/toasts';
import { isNotFound } from './hooks';

const STATUS_ORDER: Record<PollAnswer['status'], number> = { pending: 0, approved: 1, rejected: 2 };

/**
 * [POLL17] The open-text moderation wall: pending answers first (flagged ones marked), approve or
 * reject each; a decision can be reversed. Only approved answers reach the audience's wall.
 */
export function AnswerModeration({ poll }: { poll: Poll }) {
  const { state, send } = useLive();
  const toasts = useToasts();
  const [busy, setBusy] = useState<string | null>(null);
  // Answers the server no longer has (their author replaced them): hidden until the next snapshot.
  const [gone, setGone] = useState<ReadonlySet<string>>(new Set());
  const answers = Object.values(state.polls.answers)
    .filter((a) => a.pollId === poll.id && !gone.has(a.id))
    .sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.at.localeCompare(b.at));
  const pending = answers.filter((a) => a.status === 'pending').length;

  async function moderate(a: PollAnswer, approved: boolean) {
    setBusy(a.id);
    const ack = await send('poll:moderateAnswer', { pollId: poll.id, answerId: a.id, approved }, { quiet: true });
    setBusy(null);
    if (ack.ok) return;
    if (isNotFound(ack.error.code)) {
      setGone((g) => new Set(g).add(a.id));
      toasts.info('That answer was replaced by its author; the new version is in the list');
    } else toasts.error(ack.error.message);
  }

  return (
    <section className="moderation" aria-label={`Answers to “${poll.question}”`} data-testid="answer-moderation">
      <h4>
        Answers <span className="muted small">({pending} awaiting moderation)</span>
      </h4>
      {answers.length === 0 ? <p className="empty">No answers yet.</p> : null}
      <ul className="moderation-list">
        {answers.map((a) => (
          <li key={a.id} className={`moderation-item is-${a.status}`} data-testid="answer-item" data-status={a.status}>
            <div className="moderation-text">
              <span>{a.text}</span>
              <span className="muted small">
                {a.author ? `${a.author} · ` : ''}
                {a.status === 'pending' ? 'Pending' : a.status === 'approved' ? 'Approved' : 'Rejected'}
                {a.flagged ? ' · ' : ''}
                {a.flagged ? <span className="badge badge-flagged">Flagged by the filter</span> : null}
              </span>
            </div>
            <div className="row">
              {a.status !== 'approved' ? (
                <button type="button" className="btn btn-small" onClick={() => void moderate(a, true)} disabled={busy === a.id} aria-label={`Approve “${a.text}”`} data-testid="answer-approve">
                  Approve
                </button>
              ) : null}
              {a.status !== 'rejected' ? (
                <button type="button" className="btn btn-small btn-danger-outline" onClick={() => void moderate(a, false)} disabled={busy === a.id} aria-label={`Reject “${a.text}”`} data-testid="answer-reject">
                  Reject
                </button>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
