import type { CSSProperties } from 'react';
import type { Poll, PollResults } from '@rally/shared';
import { PageOf, paginate, useRotatingPage } from '../stage/paging';
import { pct, ratePct, voters } from './model';
import './polls.css';

type Variant = 'panel' | 'stage' | 'attendee';

type ResultsOf<K extends PollResults['kind']> = Extract<PollResults, { kind: K }>;

/**
 * [POLL18] Results of one poll, always with the room / remote split: voters and participation per
 * cohort, then the kind's own view (bars, histogram, gauge, cloud, wall). Used by the moderator
 * panel, the presenter view, attendees (when visible) and the stage screen (variant "stage").
 */
export function PollResultsView({ poll, results, variant = 'panel' }: { poll: Poll; results: PollResults; variant?: Variant }) {
  const n = voters(results);
  return (
    <div className={`poll-results poll-results--${variant}`} data-testid="poll-results" data-poll-id={poll.id} data-voters={n}>
      <CohortSummary results={results} />
      {results.kind === 'single' || results.kind === 'multiple' ? <OptionBars poll={poll} results={results} /> : null}
      {results.kind === 'rating' ? <RatingHistogram results={results} /> : null}
      {results.kind === 'nps' ? <NpsGauge results={results} /> : null}
      {results.kind === 'wordcloud' ? <WordCloud results={results} /> : null}
      {results.kind === 'open' ? <OpenWall results={results} paged={variant === 'stage'} /> : null}
    </div>
  );
}

export function CohortSummary({ results }: { results: PollResults }) {
  const n = voters(results);
  const closed = results.state === 'closed';
  return (
    <div className="cohort-summary">
      <p className="cohort-total">
        <strong data-testid="results-total">{n}</strong> {n === 1 ? 'vote' : 'votes'}
      </p>
      <dl className="cohort-split" aria-label="Votes by cohort">
        <div className="cohort cohort-room">
          <dt>Room</dt>
          <dd>
            <span className="cohort-voters" data-testid="cohort-room-voters">
              {results.totals.room}
            </span>{' '}
            <span className="cohort-of">
              of {results.present.room} {closed ? 'present at close' : 'present'} ·{' '}
              <span data-testid="cohort-room-rate">{ratePct(results.participation.room)}%</span>
            </span>
          </dd>
        </div>
        <div className="cohort cohort-remote">
          <dt>Remote</dt>
          <dd>
            <span className="cohort-voters" data-testid="cohort-remote-voters">
              {results.totals.remote}
            </span>{' '}
            <span className="cohort-of">
              of {results.present.remote} {closed ? 'present at close' : 'present'} ·{' '}
              <span data-testid="cohort-remote-rate">{ratePct(results.participation.remote)}%</span>
            </span>
          </dd>
        </div>
      </dl>
    </div>
  );
}

function OptionBars({ poll, results }: { poll: Poll; results: ResultsOf<'single'> | ResultsOf<'multiple'> }) {
  const n = voters(results);
  const labels = new Map(poll.kind === 'single' || poll.kind === 'multiple' ? poll.options.map((o) => [o.id, o.label]) : []);
  // [STAGE42] A bar is as long as the share it states: its votes over the voters, so 60 % draws
  // 60 % of the track, whatever the leading option has (several picks per voter can pass 100 % in sum).
  const share = (count: number) => (n > 0 ? (100 * count) / n : 0);
  // On the projector, long lists go in two columns so each line stays readable.
  const twoColumns = results.options.length > 6;
  return (
    <ol
      className={`bars ${twoColumns ? 'bars-2col' : ''}`}
      aria-label="Votes per option"
      style={{ '--rows': twoColumns ? Math.ceil(results.options.length / 2) : results.options.length } as CSSProperties}
    >
      {results.options.map((o) => {
        const total = o.room + o.remote;
        const label = labels.get(o.optionId) ?? o.optionId;
        return (
          <li key={o.optionId} className="bar-row" data-testid="result-option" data-option-label={label} data-count={total}>
            <div className="bar-head">
              <span className="bar-label">{label}</span>
              <span className="bar-value">
                <strong data-testid="result-option-count">{total}</strong> · {pct(total, n)}%
              </span>
            </div>
            <div className="bar-track" aria-hidden="true">
              <span className="bar-fill bar-room" style={{ width: `${share(o.room)}%` }} />
              <span className="bar-fill bar-remote" style={{ width: `${share(o.remote)}%` }} />
            </div>
            <div className="bar-split">
              <span className="split-room">
                Room <span data-testid="result-option-room">{o.room}</span>
              </span>
              <span className="split-remote">
                Remote <span data-testid="result-option-remote">{o.remote}</span>
              </span>
            </div>
          </li>
        );
      })}
    </ol>
  );
}

const avg = (v: number | null) => (v === null ? '–' : v.toFixed(2).replace(/\.?0+$/, ''));

function RatingHistogram({ results }: { results: ResultsOf<'rating'> }) {
  const byValue = new Map(results.distribution.map((d) => [d.value, d]));
  const values = Array.from({ length: results.scale }, (_, i) => i + 1);
  const max = Math.max(1, ...results.distribution.map((d) => d.room + d.remote));
  return (
    <div className="rating">
      <p className="rating-average">
        Average <strong data-testid="rating-average">{avg(results.average.all)}</strong>
        <span className="muted-on">
          {' '}
          / {results.scale} · room {avg(results.average.room)} · remote {avg(results.average.remote)}
        </span>
      </p>
      <ol className="histogram" aria-label={`Votes per rating, 1 to ${results.scale}`}>
        {values.map((v) => {
          const d = byValue.get(v);
          const room = d?.room ?? 0;
          const remote = d?.remote ?? 0;
          const total = room + remote;
          return (
            <li key={v} className="histogram-col" data-testid="rating-bar" data-value={v} data-count={total} aria-label={`${v}: ${total} (room ${room}, remote ${remote})`}>
              <span className="histogram-count">{total}</span>
              <span className="histogram-track" aria-hidden="true">
                <span className="histogram-fill bar-remote" style={{ height: `${(100 * remote) / max}%` }} />
                <span className="histogram-fill bar-room" style={{ height: `${(100 * room) / max}%` }} />
              </span>
              <span className="histogram-value">{v}</span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}

function NpsGauge({ results }: { results: ResultsOf<'nps'> }) {
  const all = results.nps.all;
  const score = all.score;
  const s = score ?? 0;
  // A half circle from -100 (left) to +100 (right); the needle points at the score.
  const angle = Math.PI * (1 - (s + 100) / 200);
  const cx = 100;
  const cy = 100;
  const r = 80;
  const nx = cx + r * Math.cos(angle);
  const ny = cy - r * Math.sin(angle);
  const total = all.promoters + all.passives + all.detractors;
  const fmt = (v: number | null) => (v === null ? '–' : v > 0 ? `+${v}` : String(v));
  // Exact shares, so the three segments always fill the stack (rounded ones can sum to 99 or 101).
  const share = (count: number) => (total > 0 ? (100 * count) / total : 0);
  return (
    <div className="nps">
      <div className="nps-gauge">
        <svg viewBox="0 0 200 115" role="img" aria-label={`NPS gauge: ${score === null ? 'no answers yet' : fmt(score)} on a scale from −100 to +100`}>
          <path d="M 20 100 A 80 80 0 0 1 180 100" className="nps-arc" />
          <path d={`M 20 100 A 80 80 0 0 1 ${nx.toFixed(2)} ${ny.toFixed(2)}`} className={`nps-arc-fill ${s >= 0 ? 'is-positive' : 'is-negative'}`} />
          {score !== null ? <line x1={cx} y1={cy} x2={nx} y2={ny} className="nps-needle" /> : null}
          <text x="20" y="113" className="nps-tick" textAnchor="middle">
            −100
          </text>
          <text x="180" y="113" className="nps-tick" textAnchor="middle">
            +100
          </text>
        </svg>
        <p className="nps-score">
          NPS <strong data-testid="nps-score">{fmt(score)}</strong>
        </p>
      </div>
      <div className="nps-parts" aria-label="Promoters, passives and detractors">
        <div className="nps-stack" aria-hidden="true">
          <span className="nps-seg seg-promoters" style={{ width: `${share(all.promoters)}%` }} />
          <span className="nps-seg seg-passives" style={{ width: `${share(all.passives)}%` }} />
          <span className="nps-seg seg-detractors" style={{ width: `${share(all.detractors)}%` }} />
        </div>
        <dl className="nps-legend">
          <div>
            <dt>Promoters (9–10)</dt>
            <dd data-testid="nps-promoters">{all.promoters}</dd>
          </div>
          <div>
            <dt>Passives (7–8)</dt>
            <dd data-testid="nps-passives">{all.passives}</dd>
          </div>
          <div>
            <dt>Detractors (0–6)</dt>
            <dd data-testid="nps-detractors">{all.detractors}</dd>
          </div>
        </dl>
        <p className="nps-cohorts">
          Room {fmt(results.nps.room.score)} · Remote {fmt(results.nps.remote.score)}
        </p>
      </div>
    </div>
  );
}

function WordCloud({ results }: { results: ResultsOf<'wordcloud'> }) {
  if (results.words.length === 0) return <p className="results-empty">No words yet.</p>;
  const max = Math.max(1, ...results.words.map((w) => w.count));
  // Keep the server's order (by count, then alphabetical) for screen readers; shuffle only visually.
  return (
    <ul className="wordcloud" aria-label="Word cloud, most frequent first">
      {results.words.map((w, i) => {
        const size = 1 + 2.6 * Math.sqrt(w.count / max);
        return (
          <li
            key={w.text}
            className={`word word-${i % 5}`}
            style={{ fontSize: `${size.toFixed(2)}em`, order: i % 2 === 0 ? i : -i }}
            data-testid="cloud-word"
            data-word={w.text}
            data-count={w.count}
          >
            {w.text}
            <span className="visually-hidden">
              : {w.count} (room {w.room}, remote {w.remote})
            </span>
          </li>
        );
      })}
    </ul>
  );
}

/** Open-text answers on one projector page: two of the longest (with their authors), or up to six short ones. */
const WALL_PAGE_CHARS = 660;
const WALL_PAGE_ENTRIES = 6;

function OpenWall({ results, paged }: { results: ResultsOf<'open'>; paged: boolean }) {
  // [STAGE45] The projector shows the wall a page at a time, rotating, instead of cutting it off.
  const pages = paged ? paginate(results.entries, (e) => e.text.length + 40, WALL_PAGE_CHARS, WALL_PAGE_ENTRIES) : [results.entries];
  const index = useRotatingPage(pages.length);
  if (results.entries.length === 0) return <p className="results-empty">No approved answers yet.</p>;
  return (
    <div className="open-wall">
      <div className="wall-head">
        <p className="wall-count">
          {results.approved} approved {results.approved === 1 ? 'answer' : 'answers'}
        </p>
        <PageOf index={index} count={pages.length} />
      </div>
      <ul className="wall" aria-label="Approved answers">
        {(pages[index] ?? []).map((e) => (
          <li key={e.id} className="wall-entry" data-testid="wall-entry">
            <span className="wall-text">{e.text}</span>
            {e.author ? <span className="wall-author">— {e.author}</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
