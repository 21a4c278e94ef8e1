/* The control desk's stage tools: notes to presenters, the stream, branding (announcements: AnnouncementCard.tsx). */
import { useId, useState, type FormEvent } from 'react';
import { Branding, NoteText, StageStream, stageOf } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { sentence } from '../../lib/text';
import './stage-live.css';

export const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export function firstIssue(r: { success: boolean; error?: { issues: { message: string }[] } }, fallback: string): string {
  return sentence(r.error?.issues[0]?.message ?? fallback);
}

/** [STAGE18] [STAGE19] Notes to the presenters and whether they were read. */
export function NotesPanel() {
  const { state, send } = useLive();
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const id = useId();
  const notes = [...state.stage.notes].reverse();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = NoteText.safeParse(text);
    if (!parsed.success) {
      setError(firstIssue(parsed, 'Write the note'));
      return;
    }
    setBusy(true);
    const ack = await send('note:send', { text: parsed.data }, { quiet: true });
    setBusy(false);
    if (!ack.ok) {
      setError(sentence(ack.error.message));
      return;
    }
    setError('');
    setText('');
  }

  return (
    <section className="card" aria-labelledby={`${id}-h`} data-testid="notes-panel">
      <h2 id={`${id}-h`}>Notes to presenters</h2>
      <form className="stack" onSubmit={submit} noValidate data-testid="note-form">
        <div className="field">
          <label htmlFor={`${id}-t`}>Private note</label>
          <textarea id={`${id}-t`} value={text} onChange={(e) => setText(e.target.value)} rows={2} aria-invalid={error ? true : undefined} aria-describedby={`${id}-s`} data-testid="note-input" />
        </div>
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="note-send">
          Send note
        </button>
        <p id={`${id}-s`} className="field-error" aria-live="polite">
          {error}
        </p>
      </form>
      <ul className="notes" aria-label="Sent notes">
        {notes.map((n) => (
          <li key={n.id} className="note" data-testid="moderator-note" data-note-id={n.id}>
            <p className="note-text">{n.text}</p>
            <p className="muted small" data-testid="note-receipt">
              {timeFmt.format(new Date(n.at))} · {n.from} ·{' '}
              {n.readAt ? `Read by ${n.readBy ?? 'a presenter'} at ${timeFmt.format(new Date(n.readAt))}` : 'Not read yet'}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** [STAGE2] none / HLS URL / LiveKit room. */
export function StreamSettings() {
  const { state, send } = useLive();
  const current = stageOf(state.event).stream;
  const [kind, setKind] = useState<StageStream['kind']>(current.kind);
  const [url, setUrl] = useState(current.kind === 'hls' ? current.url : '');
  const [room, setRoom] = useState(current.kind === 'livekit' ? current.roomName : '');
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);
  const id = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const candidate = kind === 'hls' ? { kind, url } : kind === 'livekit' ? { kind, roomName: room } : { kind };
    const parsed = StageStream.safeParse(candidate);
    if (!parsed.success) {
      setError(firstIssue(parsed, 'Check the stream settings'));
      setDone('');
      return;
    }
    setBusy(true);
    const ack = await send('stage:setStream', { stream: parsed.data }, { quiet: true });
    setBusy(false);
    if (!ack.ok) {
      setError(sentence(ack.error.message));
      setDone('');
      return;
    }
    setError('');
    setDone('Stream saved.');
  }

  return (
    <section className="card" aria-labelledby={`${id}-h`} data-testid="stream-settings">
      <h2 id={`${id}-h`}>Stream for remote attendees</h2>
      <p className="muted small">
        Now:{' '}
        <span data-testid="stream-current">
          {current.kind === 'none' ? 'no stream' : current.kind === 'hls' ? `HLS ${current.url}` : `LiveKit room ${current.roomName}`}
        </span>
      </p>
      <form className="stack" onSubmit={submit} noValidate data-testid="stream-form">
        <fieldset className="field">
          <legend>Source</legend>
          {(
            [
              ['none', 'No stream (in-room only)'],
              ['hls', 'HLS URL'],
              ['livekit', 'LiveKit room'],
            ] as const
          ).map(([k, label]) => (
            <label key={k} className="inline-choice">
              <input type="radio" name={`${id}-kind`} value={k} checked={kind === k} onChange={() => setKind(k)} data-testid={`stream-kind-${k}`} /> {label}
            </label>
          ))}
        </fieldset>
        {kind === 'hls' ? (
          <div className="field">
            <label htmlFor={`${id}-u`}>Playlist URL</label>
            <input id={`${id}-u`} type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://cdn.example.com/live.m3u8" data-testid="stream-url" />
          </div>
        ) : null}
        {kind === 'livekit' ? (
          <div className="field">
            <label htmlFor={`${id}-r`}>LiveKit room name</label>
            <input id={`${id}-r`} value={room} onChange={(e) => setRoom(e.target.value)} data-testid="stream-room" />
          </div>
        ) : null}
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="stream-save">
          Save stream
        </button>
        <p className={error ? 'field-error' : 'muted small'} aria-live="polite" data-testid="stream-save-status">
          {error || done}
        </p>
      </form>
    </section>
  );
}

/** [STAGE4] Logo and colours. */
export function BrandingForm() {
  const { state, send } = useLive();
  const current = stageOf(state.event).branding;
  const [logo, setLogo] = useState(current.logoUrl ?? '');
  const [primary, setPrimary] = useState(current.primaryColor);
  const [accent, setAccent] = useState(current.accentColor);
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);
  const id = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = Branding.safeParse({ logoUrl: logo.trim() ? logo : null, primaryColor: primary, accentColor: accent });
    if (!parsed.success) {
      setError(firstIssue(parsed, 'Check the branding'));
      setDone('');
      return;
    }
    setBusy(true);
    const ack = await send('event:setBranding', { branding: parsed.data }, { quiet: true });
    setBusy(false);
    if (!ack.ok) {
      setError(sentence(ack.error.message));
      setDone('');
      return;
    }
    setError('');
    setDone('Branding saved.');
  }

  return (
    <section className="card" aria-labelledby={`${id}-h`} data-testid="branding-settings">
      <h2 id={`${id}-h`}>Branding</h2>
      <form className="stack" onSubmit={submit} noValidate data-testid="branding-form">
        <div className="field">
          <label htmlFor={`${id}-l`}>Logo URL (https)</label>
          <input id={`${id}-l`} type="url" value={logo} onChange={(e) => setLogo(e.target.value)} placeholder="https://example.com/logo.png" data-testid="branding-logo" />
        </div>
        <div className="row">
          <div className="field">
            <label htmlFor={`${id}-p`}>Primary colour</label>
            <input id={`${id}-p`} type="color" value={primary} onChange={(e) => setPrimary(e.target.value)} data-testid="branding-primary" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-a`}>Accent colour</label>
            <input id={`${id}-a`} type="color" value={accent} onChange={(e) => setAccent(e.target.value)} data-testid="branding-accent" />
          </div>
        </div>
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="branding-save">
          Save branding
        </button>
        <p className={error ? 'field-error' : 'muted small'} aria-live="polite">
          {error || done}
        </p>
      </form>
    </section>
  );
}
