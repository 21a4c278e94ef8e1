import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { DisplayName } from '@rally/shared';
import { api } from '../../lib/api';
import { readKeyFromHash, type View } from '../../lib/tokens';
import { Notice, Screen } from '../../components/Layout';
import { asApiError, keyJoinErrorMessage, LINK_ROLE, linkProblem, refusesLink } from './messages';
import { sentence } from '../../lib/text';

/**
 * Join through an organiser's role link (`#key=…`). The key is removed from the address bar once it
 * has been exchanged for a token: a projected or screen-shared URL must not hand out the role.
 */
export function KeyJoinForm({
  code,
  view,
  notice,
  onJoined,
  autoName,
}: {
  code: string;
  view: Exclude<View, 'attendee'>;
  notice: string | null;
  onJoined: (token: string) => void;
  /** Join at once under this name, without a form (the stage screen). */
  autoName?: string;
}) {
  const [key] = useState(() => readKeyFromHash(window.location.hash));
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  // [UI3] The server refused the link itself: another name or another try cannot help.
  const [deadLink, setDeadLink] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const autoStarted = useRef(false);
  const nameId = useId();
  const role = LINK_ROLE[view];
  // [UI2] A link cut short or mangled is told at once: no name is asked for a join that cannot work.
  const badLink = linkProblem(code, key, role);

  async function join(displayName: string) {
    if (!key || badLink) return;
    setBusy(true);
    setError(null);
    try {
      const res = await api.join({ code, name: displayName, mode: 'room', key });
      window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
      onJoined(res.token);
    } catch (err) {
      const e = asApiError(err);
      if (refusesLink(e)) setDeadLink(keyJoinErrorMessage(e, code, role));
      else setError(keyJoinErrorMessage(e, code, role));
      setBusy(false);
    }
  }

  useEffect(() => {
    // A ref, not state: StrictMode runs effects twice and the screen must join once.
    if (!autoName || !key || badLink || autoStarted.current) return;
    autoStarted.current = true;
    void join(autoName);
  }, [autoName, key, badLink]);

  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = DisplayName.safeParse(name);
    if (!parsed.success) {
      setError(sentence(parsed.error.issues[0]?.message ?? 'Enter your name'));
      document.getElementById(nameId)?.focus();
      return;
    }
    void join(parsed.data);
  }

  const title = `Join as ${role}`;
  if (badLink || deadLink) {
    // [UI5] After a session ended the key is long gone from the address bar: the notice says why and
    // what to do, and saying "incomplete" as well would only repeat it.
    return (
      <Screen title={title}>
        <Notice kind="error" testId="join-error">
          {deadLink ?? notice ?? badLink}
        </Notice>
      </Screen>
    );
  }
  if (autoName) {
    return (
      <Screen title={title}>
        {error ? (
          <>
            <Notice kind="error" testId="join-error">
              {error}
            </Notice>
            <button type="button" className="btn btn-primary" onClick={() => void join(autoName)} disabled={busy}>
              Try again
            </button>
          </>
        ) : (
          <p className="loading" aria-busy="true">
            Joining event {code}…
          </p>
        )}
      </Screen>
    );
  }
  return (
    <Screen title={title} subtitle={`Code ${code}`}>
      <section className="card">
        <h1>{title}</h1>
        {notice ? <Notice kind="warn">{notice}</Notice> : null}
        <form onSubmit={submit} noValidate className="stack" data-testid="key-join-form">
          <div className="field">
            <label htmlFor={nameId}>Your name</label>
            <input
              id={nameId}
              value={name}
              onChange={(e) => setName(e.target.value)}
              autoComplete="name"
              maxLength={60}
              required
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${nameId}-err` : undefined}
              data-testid="name-input"
            />
          </div>
          {error ? (
            <p id={`${nameId}-err`} className="field-error" role="alert" data-testid="join-error">
              {error}
            </p>
          ) : null}
          <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="join-submit">
            {busy ? 'Joining…' : title}
          </button>
        </form>
      </section>
    </Screen>
  );
}
