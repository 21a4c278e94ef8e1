import { pct } from './model';

/**
 * Small inline SVG/CSS charts for the dashboard. Each chart carries its figures as text too
 * (a visible value or a screen-reader summary), so nothing is only a picture.
 */

/** Paired room / remote bars per row, as rates (0..1). */
export function CohortRateBars({ rows, label, testId }: { rows: { key: string; label: string; room: number; remote: number }[]; label: string; testId: string }) {
  return (
    <table className="rate-bars" data-testid={testId}>
      <caption className="visually-hidden">{label}</caption>
      <thead className="visually-hidden">
        <tr>
          <th scope="col">Activity</th>
          <th scope="col">Room</th>
          <th scope="col">Remote</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} data-testid={`rate-row-${r.key}`}>
            <th scope="row">{r.label}</th>
            <td>
              <Bar value={r.room} cohort="room" text={pct(r.room)} />
            </td>
            <td>
              <Bar value={r.remote} cohort="remote" text={pct(r.remote)} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Bar({ value, cohort, text }: { value: number; cohort: 'room' | 'remote'; text: string }) {
  return (
    <span className="eng-bar-cell">
      <span className={`eng-bar eng-bar-${cohort}`} aria-hidden="true">
        <span className="eng-bar-fill" style={{ width: `${Math.min(100, Math.max(0, value * 100))}%` }} />
      </span>
      <span className="eng-bar-value">{text}</span>
    </span>
  );
}

/** Counts as bars scaled to the largest one. */
export function CountBars({ items, label, testId }: { items: { key: string; label: string; value: number; cohort?: 'room' | 'remote' | 'other' }[]; label: string; testId: string }) {
  const max = Math.max(1, ...items.map((i) => i.value));
  return (
    <ul className="count-bars" aria-label={label} data-testid={testId}>
      {items.map((i) => (
        <li key={i.key} data-testid={`count-${i.key}`}>
          <span className="count-bars-label">{i.label}</span>
          <span className={`eng-bar eng-bar-${i.cohort ?? 'other'}`} aria-hidden="true">
            <span className="eng-bar-fill" style={{ width: `${(100 * i.value) / max}%` }} />
          </span>
          <span className="eng-bar-value" data-testid="count-value">
            {i.value}
          </span>
        </li>
      ))}
    </ul>
  );
}

const W = 160;
const H = 40;

function points(series: number[], max: number): string {
  const step = series.length > 1 ? W / (series.length - 1) : W;
  return series.map((v, i) => `${(i * step).toFixed(1)},${(H - 2 - ((H - 4) * v) / max).toFixed(1)}`).join(' ');
}

/** Room and remote lines over the last minutes, oldest first; the summary is the text alternative. */
export function Sparkline({ room, remote, summary, testId }: { room: number[]; remote: number[]; summary: string; testId: string }) {
  const max = Math.max(1, ...room, ...remote);
  return (
    <svg className="spark" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={summary} data-testid={testId} preserveAspectRatio="none">
      <line x1="0" y1={H - 1} x2={W} y2={H - 1} className="spark-axis" />
      <polyline points={points(room, max)} className="spark-room" fill="none" />
      <polyline points={points(remote, max)} className="spark-remote" fill="none" />
    </svg>
  );
}
