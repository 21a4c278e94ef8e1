import { useEffect, useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { DisplayName, JoinRequest, type Mode, type PublicEvent } from '@rally/shared';
import { api } from '../../lib/api';
import { codeProblem } from '../../lib/joinCode';
import { loadToken, saveToken } from '../../lib/tokens';
import { Notice, Screen } from '../../components/Layout';
import { ModeChoice } from './ModeChoice';
import { asApiError, joinErrorMessage, lookupErrorMessage } from './messages';
import { sentence } from '../../lib/text';
import { roomCodeFromSearch, saveJoinNotice } from '../stage-live/joinNotice';

// [BRK35] The server's own rule for the join email (trimmed, lower-cased, at most 254 characters).
const JoinEmail = JoinRequest.shape.email.unwrap();

type Lookup = { status: 'loading' } | { status: 'ready'; event: PublicEvent } | { status: 'error'; message: string };

/** The attendee join form: name, team, work email (optional), room or remote. */
export function JoinForm({ code, notice, onJoined }: { code: string; notice: string | null; onJoined: (token: string) => void }) {
  const [lookup, setLookup] = useState<Lookup>(() => {
    const problem = codeProblem(code);
    return problem ? { status: 'error', message: problem } : { status: 'loading' };
  });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (codeProblem(code)) return;
    let cancelled = false;
    setLookup({ status: 'loading' });
    api.lookupEvent(code).then(
      (event) => !cancelled && setLookup({ status: 'ready', event }),
      (err: unknown) => !cancelled && setLookup({ status: 'error', message: lookupErrorMessage(asApiError(err), code) }),
    );
    return () => {
      cancelled = true;
    };
  }, [code, attempt]);

  if (lookup.status === 'loading') {
    return (
      <Screen title="Join">
        <p className="loading" aria-busy="true">
          Looking up event {code}…
        </p>
      </Screen>
    );
  }
  if (lookup.status === 'error') {
    return (
      <Screen title="Join">
        <section className="card">
          <h1>We couldn’t open this event</h1>
          <p className="field-error" role="alert" data-testid="join-error">
            {lookup.message}
          </p>
          <div className="row">
            <Link className="btn btn-primary" to="/">
              Enter another code
            </Link>
            {/* A malformed code fails the same way every time: only a look-up is worth retrying. */}
            {codeProblem(code) ? null : (
              <button type="button" className="btn" onClick={() => setAttempt((n) => n + 1)}>
                Try again
              </button>
            )}
          </div>
        </section>
      </Screen>
    );
  }
  return <JoinDetails code={code} event={lookup.event} notice={notice} onJoined={onJoined} />;
}

function JoinDetails({ code, event, notice, onJoined }: { code: string; event: PublicEvent; notice: string | null; onJoined: (token: string) => void }) {
  const [name, setName] = useState('');
  const [team, setTeam] = useState('');
  const [email, setEmail] = useState('');
  // [STAGE12] The stage screen's QR link carries the room code: the attendee is in the room.
  const [roomCode, setRoomCode] = useState(() => roomCodeFromSearch(window.location.search));
  const [mode, setMode] = useState<Mode | null>(() => (roomCode ? 'room' : null));
  const roomId = useId();
  const [errors, setErrors] = useState<{ name?: string; team?: string; email?: string; mode?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const nameId = useId();
  const teamId = useId();
  const emailId = useId();
  const hasTeams = event.teams.length > 0;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const next: typeof errors = {};
    const parsedName = DisplayName.safeParse(name);
    if (!parsedName.success) next.name = sentence(parsedName.error.issues[0]?.message ?? 'Enter your name');
    if (hasTeams && !team) next.team = 'Choose your team';
    // [BRK35] Optional: an empty field sends nothing; a typo is caught here rather than refused by the server.
    const parsedEmail = email.trim() === '' ? null : JoinEmail.safeParse(email);
    if (parsedEmail && !parsedEmail.success) next.email = 'This email does not look right: check it, or leave the field empty';
    if (!mode) next.mode = 'Tell us whether you are in the room or remote';
    setErrors(next);
    if (Object.keys(next).length > 0 || !parsedName.success || !mode) {
      // Keyboard and screen-reader users land on the first thing to fix.
      const first = next.name ? nameId : next.team ? teamId : next.email ? emailId : null;
      if (first) document.getElementById(first)?.focus();
      else document.querySelector<HTMLInputElement>('[data-testid="mode-choice"] input')?.focus();
      return;
    }
    setBusy(true);
    try {
      // A token this browser still holds resumes that participant instead of creating another one.
      const held = loadToken(code, 'attendee') ?? undefined;
      const room = mode === 'room' ? roomCode.replace(/\s+/g, '').toUpperCase() : '';
      const res = await api.join({ code, name: parsedName.data, mode, ...(room ? { roomCode: room } : {}), ...(team ? { team } : {}), ...(parsedEmail?.success ? { email: parsedEmail.data } : {}), ...(held ? { token: held } : {}) });
      saveToken(code, 'attendee', res.token);
      saveJoinNotice(code, res.notice);
      onJoined(res.token);
    } catch (err) {
      setErrors({ form: joinErrorMessage(asApiError(err), code) });
      setBusy(false);
    }
  }

  return (
    <Screen title={event.name} subtitle={`Code ${code}`}>
      <section className="card">
        <h1>
          Join <span data-testid="event-name">{event.name}</span>
        </h1>
        {notice ? <Notice kind="warn">{notice}</Notice> : null}
        <form onSubmit={submit} noValidate className="stack" data-testid="join-form">
          <div className="field">
            <label htmlFor={nameId}>Your name</label>
            <input
              id={nameId}
              name="name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              autoComplete="name"
              maxLength={60}
              required
              aria-invalid={errors.name ? true : undefined}
              aria-describedby={errors.name ? `${nameId}-err` : undefined}
              data-testid="name-input"
            />
            {errors.name ? (
              <p id={`${nameId}-err`} className="field-error">
                {errors.name}
              </p>
            ) : null}
          </div>
          {hasTeams ? (
            <div className="field">
              <label htmlFor={teamId}>Your team</label>
              <select
                id={teamId}
                name="team"
                value={team}
                onChange={(e) => setTeam(e.target.value)}
                required
                aria-invalid={errors.team ? true : undefined}
                aria-describedby={errors.team ? `${teamId}-err` : undefined}
                data-testid="team-select"
              >
                <option value="">Choose your team…</option>
                {event.teams.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
              {errors.team ? (
                <p id={`${teamId}-err`} className="field-error">
                  {errors.team}
                </p>
              ) : null}
            </div>
          ) : null}
          <div className="field">
            <label htmlFor={emailId}>
              Work email <span className="muted">(optional)</span>
            </label>
            <input
              id={emailId}
              name="email"
              type="email"
              inputMode="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              autoComplete="email"
              autoCapitalize="none"
              spellCheck={false}
              maxLength={254}
              aria-invalid={errors.email ? true : undefined}
              aria-describedby={`${emailId}-hint${errors.email ? ` ${emailId}-err` : ''}`}
              data-testid="email-input"
            />
            <p id={`${emailId}-hint`} className="muted small" data-testid="email-hint">
              To get your team and breakout room from the organiser’s attendee list. Only the organisers see it, never other attendees.
            </p>
            {errors.email ? (
              <p id={`${emailId}-err`} className="field-error">
                {errors.email}
              </p>
            ) : null}
          </div>
          <ModeChoice value={mode} onChange={setMode} error={errors.mode} />
          {mode === 'room' && event.settings.verifyRoomMode !== false ? (
            <div className="field">
              <label htmlFor={roomId}>Room code (shown on the stage screen)</label>
              <input
                id={roomId}
                name="roomCode"
                value={roomCode}
                onChange={(e) => setRoomCode(e.target.value.toUpperCase())}
                autoComplete="off"
                autoCapitalize="characters"
                spellCheck={false}
                maxLength={8}
                aria-describedby={`${roomId}-hint`}
                className="room-code-input"
                data-testid="room-code-input"
              />
              <p id={`${roomId}-hint`} className="muted small">
                The 4 characters on the big screen prove you are at the venue. Without it you join as remote and can switch later.
              </p>
            </div>
          ) : null}
          {errors.form ? (
            <p className="field-error" role="alert" data-testid="join-error">
              {errors.form}
            </p>
          ) : null}
          <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="join-submit">
            {busy ? 'Joining…' : 'Join'}
          </button>
        </form>
      </section>
    </Screen>
  );
}
