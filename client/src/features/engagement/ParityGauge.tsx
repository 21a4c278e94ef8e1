import type { ParityState, ScopeFigures } from '@rally/shared';
import { ENGAGEMENT_LIMITS } from '@rally/shared';
import { gaugeMax, parityText, peopleText, takingPartText } from './model';

const R = 80;
const CX = 100;
const CY = 95;

/** The point on the half circle for a share 0..1 of the scale (0: left, 1: right). */
function polar(share: number): [number, number] {
  const a = Math.PI * (1 - Math.min(1, Math.max(0, share)));
  return [CX + R * Math.cos(a), CY - R * Math.sin(a)];
}

function arc(from: number, to: number): string {
  const [x1, y1] = polar(from);
  const [x2, y2] = polar(to);
  return `M ${x1.toFixed(1)} ${y1.toFixed(1)} A ${R} ${R} 0 0 1 ${x2.toFixed(1)} ${y2.toFixed(1)}`;
}

/**
 * [ENG8] [ENG9] The engagement parity gauge: remote participation as a share of the room's, with
 * the organiser's threshold marked. It is a `meter` whose aria-valuenow is the parity itself, so
 * screen readers (and tests) read the same figure the needle shows. While parity is unknown (a
 * cohort has nobody present, or nobody in the room took part yet) there is no value to show.
 * `figures` are the judged scope's; presence is time-weighted ([ENG22]), and [ENG25] the
 * explanation under the gauge says so in plain words, with the figures it divides.
 */
export function ParityGauge({ parity, figures }: { parity: ParityState; figures: ScopeFigures }) {
  const { value, threshold } = parity;
  const max = gaugeMax(value);
  const below = value !== null && value < threshold;
  const present = figures.weighted.present;
  const judgeable = present.room >= ENGAGEMENT_LIMITS.parityMinPresent && present.remote >= ENGAGEMENT_LIMITS.parityMinPresent;
  const scope = parity.scope === 'session' ? 'the live session' : 'the whole event';
  const valueText =
    value === null
      ? 'Not known yet: both cohorts need someone present and someone in the room taking part'
      : `Remote participation is ${parityText(value)} of the room's (alert below ${parityText(threshold)})`;
  const [nx, ny] = polar((value ?? 0) / max);
  const [tx, ty] = polar(threshold / max);
  return (
    <div className={`parity ${below ? 'is-below' : ''}`} data-testid="parity">
      <div
        role="meter"
        aria-label="Engagement parity, remote vs room"
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={value ?? 0}
        aria-valuetext={valueText}
        data-known={value !== null}
        data-testid="parity-gauge"
        className="parity-meter"
      >
        <svg viewBox="0 0 200 110" width="200" height="110" aria-hidden="true" focusable="false">
          <path d={arc(0, 1)} className="gauge-track" />
          <path d={arc(0, threshold / max)} className="gauge-low" />
          {value !== null ? <path d={arc(0, value / max)} className={below ? 'gauge-value is-below' : 'gauge-value'} /> : null}
          <line x1={CX} y1={CY} x2={tx} y2={ty} className="gauge-threshold" />
          {value !== null ? <circle cx={nx} cy={ny} r="7" className="gauge-needle" /> : null}
        </svg>
        <p className="parity-value" data-testid="parity-value">
          {parityText(value)}
        </p>
      </div>
      <p className="small">{valueText}.</p>
      <p className="muted small">
        Judged on {scope}. Threshold {parityText(threshold)}.
        {below && !judgeable ? ` The alert needs at least ${ENGAGEMENT_LIMITS.parityMinPresent} attendees present in each cohort.` : ''}
      </p>
      <ParityExplanation figures={figures} />
    </div>
  );
}

/** [ENG25] What the parity figure counts, in plain words, and the time-weighted figures behind it. */
function ParityExplanation({ figures }: { figures: ScopeFigures }) {
  const { present, interacted } = figures.weighted;
  return (
    <div className="parity-explanation small" data-testid="parity-explanation">
      <p>
        <strong>What this counts:</strong> the share of remote attendees who took part ({takingPartText()}), compared with the share in the room.
      </p>
      <p>
        Each person counts in a cohort for the time they spent there: someone who switched from remote to the room after a minute counts almost entirely as
        room. What they did counts where they were when they did it.
      </p>
      <p data-testid="parity-counts">
        Took part: {peopleText(interacted.remote)} of {peopleText(present.remote)} remote, {peopleText(interacted.room)} of {peopleText(present.room)} in the
        room.
      </p>
    </div>
  );
}
