import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { QA_LIMITS, qaFairness, type OriginKind, type QuestionSort, type QuestionState, type QuestionView } from '@rally/shared';
import { DownloadButton } from '../../components/DownloadButton';
import { useLive } from '../../components/EventGate';
import { sortedAgenda } from '../../lib/agenda';
import { stageQuestion, votesOf } from '../../lib/qaState';
import {
  excerpt,
  matchesSession,
  ORIGIN_LABEL,
  percent,
  questionList,
  SORT_LABEL,
  STATE_LABEL,
  sessionFilterFrom,
  sessionFilterValue,
  textProblem,
} from './model';
import { authorOf, CharCounter, OriginBadge, QuestionTextBlock, QuestionTime, ReplyBlock, useQaCommand, VoteCountStatic } from './QuestionBits';
import './qa.css';

const TABS: { state: QuestionState; label: string }[] = [
  { state: 'pending', label: 'Pending' },
  { state: 'approved', label: 'Approved' },
  { state: 'answered', label: 'Answered' },
  { state: 'dismissed', label: 'Dismissed' },
];

/**
 * The moderator panel's Q&A section: the queue in tabs by state ([QA12]), filtered by session and
 * origin ([QA22]), with every moderation move, inline edit ([QA15]) and written reply ([QA16]), the
 * stage highlight ([QA17]), banning an asker ([QA19]), the remote share of approved and answered
 * questions ([QA22]) and the CSV export ([QA24]). Moves by other moderators arrive live; a lost
 * race is a toast with the server's message ([QA13]).
 */
export function ModeratorQa({ code }: { code: string }) {
  const { state } = useLive();
  const { event, qa } = state;
  const [tab, setTab] = useState<QuestionState>('pending');
  const [origin, setOrigin] = useState<OriginKind | 'all'>('all');
  const [sessionValue, setSessionValue] = useState('*');
  const [sort, setSort] = useState<QuestionSort>('recent');
  const ids = { origin: useId(), session: useId(), sort: useId(), tabs: useId() };
  const agenda = sortedAgenda(event);
  const session = sessionFilterFrom(sessionValue);

  const all = Object.values(qa.byId);
  const inSession = all.filter((q) => matchesSession(q, session));
  // [QA22] Fairness over the session's questions of every origin (a filtered view would be 0% or 100%).
  const fairness = qaFairness(inSession);
  const counts: Record<QuestionState, number> = { pending: 0, approved: 0, answered: 0, dismissed: 0 };
  for (const q of inSession) if (origin === 'all' || q.origin.kind === origin) counts[q.state]++;
  const list = questionList(qa, { states: [tab], session, origin, sort });
  const onStage = stageQuestion(qa);
  const pollLive = Object.values(state.polls.byId).some((p) => p.state === 'live');
  const presence = state.presence?.counts;
  const audience = presence ? presence.room + presence.remote : 0;

  // [QA8] New questions: pending ones not yet shown on the Pending tab, announced politely.
  const pendingIds = all.filter((q) => q.state === 'pending').map((q) => q.id);
  const [seen, setSeen] = useState<ReadonlySet<string>>(() => new Set(pendingIds));
  const pendingKey = pendingIds.join(',');
  useEffect(() => {
    if (tab !== 'pending') return;
    setSeen((s) => (pendingIds.every((id) => s.has(id)) ? s : new Set([...s, ...pendingIds])));
    // pendingKey stands for pendingIds, a new array on every render.
  }, [tab, pendingKey]);
  const unseen = pendingIds.filter((id) => !seen.has(id)).length;

  return (
    <section className="card qa-section" aria-labelledby="mod-qa-heading" data-testid="moderator-qa">
      <div className="row spread">
        <h2 id="mod-qa-heading">Q&amp;A</h2>
        {/* [QA24] */}
        <DownloadButton
          code={code}
          path="questions.csv"
          label="Download questions CSV"
          fallbackName={`rally-questions-${code}.csv`}
          what="the questions"
          testId="download-questions-csv"
          statusTestId="questions-csv-status"
        />
      </div>

      <p className="qa-live-count" role="status" data-testid="qa-new-count">
        {pendingIds.length === 0
          ? 'No questions waiting for approval.'
          : `${pendingIds.length} ${pendingIds.length === 1 ? 'question' : 'questions'} waiting for approval${unseen > 0 ? ` (${unseen} new)` : ''}.`}
      </p>

      <div className="qa-fairness-group" role="group" aria-label="Cohort fairness">
        <dl className="qa-fairness" data-testid="qa-fairness">
          <div>
            <dt>Remote share of approved</dt>
            <dd data-testid="fair-approved">
              {percent(fairness.approved.share)}
              <span className="muted small"> ({fairness.approved.remote} of {fairness.approved.total})</span>
            </dd>
          </div>
          <div>
            <dt>Remote share of answered</dt>
            <dd data-testid="fair-answered">
              {percent(fairness.answered.share)}
              <span className="muted small"> ({fairness.answered.remote} of {fairness.answered.total})</span>
            </dd>
          </div>
          {presence ? (
            <div>
              <dt>Remote share of the audience online</dt>
              <dd data-testid="fair-audience">
                {percent(audience ? presence.remote / audience : null)}
                <span className="muted small"> ({presence.remote} of {audience})</span>
              </dd>
            </div>
          ) : null}
        </dl>
      </div>

      {onStage ? (
        <OnStageBar text={onStage.text} pollLive={pollLive} />
      ) : null}

      <div className="qa-toolbar">
        <div className="field">
          <label htmlFor={ids.session}>Session</label>
          <select id={ids.session} value={sessionValue} onChange={(e) => setSessionValue(e.target.value)} data-testid="mod-qa-session">
            <option value={sessionFilterValue({ kind: 'all' })}>All sessions</option>
            {agenda.map((s) => (
              <option key={s.id} value={s.id}>
                {s.title}
                {s.id === event.liveSessionId ? ' (live)' : ''}
              </option>
            ))}
            <option value={sessionFilterValue({ kind: 'session', sessionId: null })}>Outside the agenda</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.origin}>Origin</label>
          <select id={ids.origin} value={origin} onChange={(e) => setOrigin(e.target.value as OriginKind | 'all')} data-testid="mod-qa-origin">
            <option value="all">All origins</option>
            {(Object.keys(ORIGIN_LABEL) as OriginKind[]).map((k) => (
              <option key={k} value={k}>
                {ORIGIN_LABEL[k]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.sort}>Sort</label>
          <select id={ids.sort} value={sort} onChange={(e) => setSort(e.target.value as QuestionSort)} data-testid="mod-qa-sort">
            {(Object.keys(SORT_LABEL) as QuestionSort[]).map((k) => (
              <option key={k} value={k}>
                {SORT_LABEL[k]}
              </option>
            ))}
          </select>
        </div>
      </div>

      <Tabs idBase={ids.tabs} tab={tab} counts={counts} onChange={setTab} />
      <div role="tabpanel" id={`${ids.tabs}-panel`} aria-labelledby={`${ids.tabs}-${tab}`} className="qa-tabpanel" data-testid="mod-qa-panel" data-tab={tab}>
        {list.length === 0 ? (
          <p className="empty">No {STATE_LABEL[tab].toLowerCase()} questions{origin !== 'all' ? ` from ${ORIGIN_LABEL[origin].toLowerCase()}` : ''}.</p>
        ) : (
          <ul className="qa-list">
            {list.map((q) => (
              <ModQuestion key={q.id} q={q} onStage={qa.highlightedId === q.id} />
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}

function OnStageBar({ text, pollLive }: { text: string; pollLive: boolean }) {
  const { busy, run } = useQaCommand();
  return (
    <div className="qa-onstage" data-testid="mod-on-stage">
      <p>
        <span className="badge badge-stage">On stage</span> <span className="qa-onstage-text">{excerpt(text, 120)}</span>
      </p>
      {pollLive ? <p className="muted small">A poll is live: the stage screen shows the poll until it closes, then this question.</p> : null}
      <button type="button" className="btn btn-small" disabled={busy !== null} onClick={() => void run('clear', 'question:highlight', { questionId: null })} data-testid="clear-stage">
        Take the question off the stage
      </button>
    </div>
  );
}

/** WAI-ARIA tabs: arrow keys, Home and End move between them; the counts follow the filters. */
function Tabs({ idBase, tab, counts, onChange }: { idBase: string; tab: QuestionState; counts: Record<QuestionState, number>; onChange: (t: QuestionState) => void }) {
  const refs = useRef<Partial<Record<QuestionState, HTMLButtonElement | null>>>({});
  function onKeyDown(e: KeyboardEvent<HTMLButtonElement>) {
    const i = TABS.findIndex((t) => t.state === tab);
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % TABS.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + TABS.length) % TABS.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = TABS.length - 1;
    if (next < 0) return;
    e.preventDefault();
    const t = TABS[next]!.state;
    onChange(t);
    refs.current[t]?.focus();
  }
  return (
    <div role="tablist" aria-label="Question queue" className="qa-tabs" data-testid="mod-qa-tabs">
      {TABS.map((t) => (
        <button
          key={t.state}
          ref={(el) => {
            refs.current[t.state] = el;
          }}
          type="button"
          role="tab"
          id={`${idBase}-${t.state}`}
          aria-selected={tab === t.state}
          aria-controls={`${idBase}-panel`}
          tabIndex={tab === t.state ? 0 : -1}
          className="qa-tab"
          onClick={() => onChange(t.state)}
          onKeyDown={onKeyDown}
          data-testid={`qa-tab-${t.state}`}
        >
          {t.label} <span className="qa-tab-count">{counts[t.state]}</span>
        </button>
      ))}
    </div>
  );
}

type Mode = 'view' | 'edit' | 'reply' | 'ban';

function ModQuestion({ q, onStage }: { q: QuestionView; onStage: boolean }) {
  const { state } = useLive();
  const { busy, run } = useQaCommand();
  const [mode, setMode] = useState<Mode>('view');
  // Closing an inline form puts focus back on the button that opened it (keyboard users stay put).
  const openers = useRef<Partial<Record<Mode, HTMLButtonElement | null>>>({});
  const openedBy = useRef<Mode | null>(null);
  const opener = (m: Mode) => (el: HTMLButtonElement | null) => {
    openers.current[m] = el;
  };
  const open = (m: Mode) => {
    openedBy.current = m;
    setMode(m);
  };
  useEffect(() => {
    if (mode !== 'view' || !openedBy.current) return;
    openers.current[openedBy.current]?.focus();
    openedBy.current = null;
  }, [mode]);
  const votes = votesOf(state.qa, q);
  const short = excerpt(q.text);
  const ref = { questionId: q.id };
  const b = busy !== null;

  return (
    <li className={`qa-item qa-mod-item ${onStage ? 'is-on-stage' : ''}`} data-testid="mod-question" data-question-id={q.id} data-state={q.state}>
      <div className="qa-vote">
        <VoteCountStatic votes={votes} />
      </div>
      <div className="qa-body">
        {mode === 'edit' ? (
          <TextEditor
            label="Question text"
            initial={q.text}
            limit={QA_LIMITS.text}
            what="question"
            saveLabel="Save the question"
            busy={b}
            onCancel={() => setMode('view')}
            onSave={async (text) => {
              const ack = await run('edit', 'question:edit', { ...ref, text });
              if (ack?.ok) setMode('view');
            }}
          />
        ) : (
          <QuestionTextBlock q={q} />
        )}
        <div className="qa-meta">
          <span className="qa-author" data-testid="question-author">
            {authorOf(q)}
          </span>
          <OriginBadge origin={q.origin} />
          <QuestionTime iso={q.createdAt} />
          {q.flagged ? (
            <span className="badge badge-flagged" data-testid="flagged-badge">
              Flagged by the filter
            </span>
          ) : null}
          {q.askerBanned ? (
            <span className="badge badge-banned" data-testid="asker-banned-badge">
              Asker banned from asking
            </span>
          ) : null}
          {q.edited ? <span className="muted small">Edited</span> : null}
          {onStage ? <span className="badge badge-stage">On stage</span> : null}
        </div>
        {mode === 'reply' ? (
          <TextEditor
            label="Written answer"
            initial={q.reply ?? ''}
            limit={QA_LIMITS.reply}
            what="answer"
            saveLabel="Publish the answer"
            busy={b}
            onCancel={() => setMode('view')}
            onSave={async (text) => {
              const ack = await run('reply', 'question:reply', { ...ref, text });
              if (ack?.ok) setMode('view');
            }}
          />
        ) : (
          <ReplyBlock reply={q.reply} />
        )}

        {mode === 'ban' ? (
          <div className="qa-confirm" role="group" aria-label="Confirm the ban">
            <p className="small">
              {q.anonymous ? 'The anonymous asker' : authorOf(q)} will not be able to ask any more questions in this event. Their questions stay as they are.
            </p>
            <div className="row">
              <button
                type="button"
                className="btn btn-small btn-danger"
                disabled={b}
                onClick={async () => {
                  const ack = await run('ban', 'qa:banAsker', { questionId: q.id, banned: true });
                  if (ack?.ok) setMode('view');
                }}
                data-testid="ban-asker-confirm"
              >
                Confirm ban from asking
              </button>
              <button type="button" className="btn btn-small btn-quiet" onClick={() => setMode('view')}>
                Cancel
              </button>
            </div>
          </div>
        ) : null}

        {mode === 'view' ? (
          <div className="qa-actions" role="group" aria-label={`Actions for “${short}”`}>
            {q.state === 'pending' ? (
              <button type="button" className="btn btn-small btn-primary" disabled={b} onClick={() => void run('approve', 'question:approve', ref)} aria-label={`Approve “${short}”`} data-testid="approve">
                Approve
              </button>
            ) : null}
            {q.state === 'approved' ? (
              onStage ? (
                <button type="button" className="btn btn-small" disabled={b} onClick={() => void run('hl', 'question:highlight', { questionId: null })} aria-label={`Take “${short}” off the stage`} data-testid="unhighlight">
                  Take off stage
                </button>
              ) : (
                <button type="button" className="btn btn-small btn-primary" disabled={b} onClick={() => void run('hl', 'question:highlight', ref)} aria-label={`Show “${short}” on the stage`} data-testid="highlight">
                  Show on stage
                </button>
              )
            ) : null}
            {q.state === 'approved' ? (
              <button type="button" className="btn btn-small" disabled={b} onClick={() => void run('answered', 'question:markAnswered', ref)} aria-label={`Mark “${short}” answered`} data-testid="mark-answered">
                Mark answered
              </button>
            ) : null}
            {q.state === 'answered' || q.state === 'dismissed' ? (
              <button type="button" className="btn btn-small" disabled={b} onClick={() => void run('restore', 'question:restore', ref)} aria-label={`Restore “${short}”`} data-testid="restore">
                Restore
              </button>
            ) : null}
            {q.state !== 'dismissed' ? (
              <>
                <button type="button" className="btn btn-small" disabled={b} ref={opener('edit')} onClick={() => open('edit')} aria-label={`Edit “${short}”`} data-testid="edit">
                  Edit
                </button>
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={b}
                  ref={opener('reply')}
                  onClick={() => open('reply')}
                  aria-label={`${q.reply ? 'Change the answer to' : 'Answer in writing'} “${short}”`}
                  data-testid="reply"
                >
                  {q.reply ? 'Change answer' : 'Answer in writing'}
                </button>
                {q.reply ? (
                  <button type="button" className="btn btn-small btn-quiet" disabled={b} onClick={() => void run('unreply', 'question:reply', { ...ref, text: null })} aria-label={`Remove the answer to “${short}”`} data-testid="remove-reply">
                    Remove answer
                  </button>
                ) : null}
                <button type="button" className="btn btn-small btn-danger-outline" disabled={b} onClick={() => void run('dismiss', 'question:dismiss', ref)} aria-label={`Dismiss “${short}”`} data-testid="dismiss">
                  Dismiss
                </button>
              </>
            ) : null}
            {q.askerBanned ? (
              <button
                type="button"
                className="btn btn-small btn-quiet"
                disabled={b}
                ref={opener('ban')}
                onClick={() => void run('unban', 'qa:banAsker', { questionId: q.id, banned: false })}
                aria-label={`Let the asker of “${short}” ask again`}
                data-testid="unban-asker"
              >
                Let asker ask again
              </button>
            ) : (
              <button type="button" className="btn btn-small btn-quiet" disabled={b} ref={opener('ban')} onClick={() => open('ban')} aria-label={`Ban the asker of “${short}” from asking`} data-testid="ban-asker">
                Ban asker
              </button>
            )}
          </div>
        ) : null}
      </div>
    </li>
  );
}

/** Inline editor for a question's text or a written answer: Escape cancels, Ctrl/Cmd+Enter saves. */
function TextEditor({
  label,
  initial,
  limit,
  what,
  saveLabel,
  busy,
  onSave,
  onCancel,
}: {
  label: string;
  initial: string;
  limit: number;
  what: string;
  saveLabel: string;
  busy: boolean;
  onSave: (text: string) => void | Promise<void>;
  onCancel: () => void;
}) {
  const [text, setText] = useState(initial);
  const id = useId();
  const counterId = useId();
  const errorId = useId();
  const problem = textProblem(text, limit, what);
  const area = useRef<HTMLTextAreaElement | null>(null);
  useEffect(() => {
    area.current?.focus();
  }, []);
  return (
    <form
      className="qa-editor stack"
      onSubmit={(e) => {
        e.preventDefault();
        if (!problem) void onSave(text);
      }}
      data-testid="qa-editor"
    >
      <div className="field">
        <div className="row spread">
          <label htmlFor={id}>{label}</label>
          <CharCounter id={counterId} text={text} limit={limit} />
        </div>
        <textarea
          id={id}
          ref={area}
          className="qa-textarea"
          rows={3}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              onCancel();
            } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              e.currentTarget.form?.requestSubmit();
            }
          }}
          aria-describedby={`${counterId}${problem && text.trim() ? ` ${errorId}` : ''}`}
          aria-invalid={problem && text.trim() ? true : undefined}
        />
        {problem && text.trim() ? (
          <p id={errorId} className="field-error">
            {problem}
          </p>
        ) : null}
      </div>
      <div className="row">
        <button type="submit" className="btn btn-small btn-primary" disabled={busy || problem !== null}>
          {busy ? 'Saving…' : saveLabel}
        </button>
        <button type="button" className="btn btn-small btn-quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
