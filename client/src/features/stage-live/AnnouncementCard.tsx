import { useId, useState, type FormEvent } from 'react';
import { AnnouncementLifetimeSec, AnnouncementText, type Announcement, type AnnouncementAudience } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { announcementShowing, formatDuration } from '../../lib/stageState';
import { sentence } from '../../lib/text';
import { useServerNow } from './hooks';
import { firstIssue, timeFmt } from './ModeratorStage';
import './stage-live.css';

const AUDIENCES: { value: AnnouncementAudience; label: string }[] = [
  { value: 'all', label: 'Everyone' },
  { value: 'remote', label: 'Remote attendees' },
  { value: 'room', label: 'In the room' },
  { value: 'breakouts', label: 'Breakout rooms' },
];

/** [STAGE34] How long an announcement stays; '' is until a moderator clears it. */
const LIFETIMES: { value: string; label: string }[] = [
  { value: '', label: 'Until cleared' },
  { value: '30', label: '30 seconds' },
  { value: '120', label: '2 minutes' },
  { value: '600', label: '10 minutes' },
];

const audienceLabel = (a: AnnouncementAudience) => AUDIENCES.find((x) => x.value === a)?.label ?? a;

/**
 * [STAGE16] [STAGE34] [UI13] The announcement on screens now, with a way to take it down, and the
 * composer: text, audience, and how long it stays.
 */
export function AnnouncementCard() {
  const { state, send } = useLive();
  const [text, setText] = useState('');
  const [audience, setAudience] = useState<AnnouncementAudience>('all');
  const [lifetime, setLifetime] = useState('');
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);
  const id = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = AnnouncementText.safeParse(text);
    if (!parsed.success) {
      setError(firstIssue(parsed, 'Write the announcement'));
      return;
    }
    const life = lifetime ? AnnouncementLifetimeSec.safeParse(Number(lifetime)) : null;
    if (life && !life.success) {
      setError(firstIssue(life, 'Choose how long it stays'));
      return;
    }
    setBusy(true);
    const ack = await send('announcement:send', { text: parsed.data, audience, ...(life ? { lifetimeSec: life.data } : {}) }, { quiet: true });
    setBusy(false);
    if (!ack.ok) {
      setError(sentence(ack.error.message));
      return;
    }
    setError('');
    setText('');
    setDone(`Announcement sent to ${audienceLabel(audience).toLowerCase()}.`);
  }

  return (
    <section className="card" aria-labelledby={`${id}-h`} data-testid="announcement-form-card">
      <h2 id={`${id}-h`}>Announcement</h2>
      {state.stage.announcement ? <CurrentAnnouncement a={state.stage.announcement} /> : <NoAnnouncement />}
      <form className="stack" onSubmit={submit} noValidate data-testid="announcement-form">
        <div className="field">
          <label htmlFor={`${id}-t`}>Text</label>
          <textarea id={`${id}-t`} value={text} onChange={(e) => setText(e.target.value)} rows={2} aria-invalid={error ? true : undefined} aria-describedby={`${id}-s`} data-testid="announcement-input" />
        </div>
        <div className="row announcement-options">
          <div className="field">
            <label htmlFor={`${id}-a`}>Audience</label>
            <select id={`${id}-a`} value={audience} onChange={(e) => setAudience(e.target.value as AnnouncementAudience)} data-testid="announcement-audience">
              {AUDIENCES.map((a) => (
                <option key={a.value} value={a.value}>
                  {a.label}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-l`}>Stays on screens</label>
            <select id={`${id}-l`} value={lifetime} onChange={(e) => setLifetime(e.target.value)} data-testid="announcement-lifetime">
              {LIFETIMES.map((l) => (
                <option key={l.value} value={l.value}>
                  {l.label}
                </option>
              ))}
            </select>
          </div>
        </div>
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="announcement-send">
          Send announcement
        </button>
        <p id={`${id}-s`} className={error ? 'field-error' : 'muted small'} aria-live="polite">
          {error || done}
        </p>
      </form>
    </section>
  );
}

function NoAnnouncement() {
  return (
    <p className="muted small" data-testid="announcement-none">
      No announcement on screens.
    </p>
  );
}

/** Re-rendered every second only while an announcement with a lifetime is up, to count it down and drop it. */
function CurrentAnnouncement({ a }: { a: Announcement }) {
  const { state, send } = useLive();
  const now = useServerNow(1000);
  const [busy, setBusy] = useState(false);
  const showing = announcementShowing(state.stage, now);
  if (!showing) return <NoAnnouncement />;
  const left = showing.expiresAt ? Date.parse(showing.expiresAt) - now : null;

  async function clear() {
    setBusy(true);
    await send('announcement:clear', {});
    setBusy(false);
  }

  return (
    <div className="announcement-current" data-testid="announcement-current">
      <p className="announcement-current-text">
        <span className="badge badge-live">On screens</span> “{a.text}”
      </p>
      <p className="muted small">
        {audienceLabel(a.audience)} · sent {timeFmt.format(new Date(a.at))} ·{' '}
        <span data-testid="announcement-lifetime-left">{left === null ? 'until cleared' : `leaves screens in ${formatDuration(Math.max(0, left))}`}</span>
      </p>
      <button type="button" className="btn btn-small btn-danger-outline" onClick={() => void clear()} disabled={busy} data-testid="announcement-clear">
        Clear announcement
      </button>
    </div>
  );
}
