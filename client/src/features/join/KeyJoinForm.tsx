import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { DisplayName } from '@rally/shared';
import { api } from '../../lib/api';
import { codeProblem } from '../../lib/joinCode';
import { readKeyFromHash, type View } from '../../lib/tokens';
import { Notice, Screen } from '../../components/Layout';
import { asApiError } from './messages';
import { sentence } from '../../lib/text';

const ROLE_NAME: Record<Exclude<View, 'attendee'>, string> = { presenter: 'presenter', moderator: 'moderator', stage: 'stage screen' };

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
  const [busy, setBusy] = useState(false);
  const autoStarted = useRef(false);
  const nameId = useId();
  const role = ROLE_NAME[view];
  const badCode = codeProblem(code);

  async function join(displayName: string) {
    if (!key) return;
    setBusy(true);
    setError(null);
    try {
      const res = await api.join({ code, name: displayName, mode: 'room', key });
      window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
      onJoined(res.token);
    } catch (err) {
      const e = asApiError(err);
      setError(
        e?.code === 'UNAUTHORIZED' || e?.code === 'FORBIDDEN'
          ? `This ${role} link is no longer valid: ${e.message} Ask the organiser for the current link.`
          : e?.code === 'NOT_FOUND'
            ? `No event uses the code “${code}”. Check the link.`
            : (e?.message ?? 'Joining failed. Please try again.'),
      );
      setBusy(false);
    }
  }

  useEffect(() => {
    // A ref, not state: StrictMode runs effects twice and the screen must join once.
    if (!autoName || !key || badCode || autoStarted.current) return;
    autoStarted.current = true;
    void join(autoName);
  }, [autoName, key, badCode]);

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
  if (badCode) {
    return (
      <Screen title={title}>
        <Notice kind="error" title="This link is broken" testId="join-error">
          {badCode}
        </Notice>
      </Screen>
    );
  }
  if (!key) {
    return (
      <Screen title={title}>
        {notice ? <Notice kind="warn">{notice}</Notice> : null}
        <Notice kind="error" title={`This ${role} link is incomplete`} testId="join-error">
          The link has no access key. Open the full {role} link the organiser sent you (it ends with <code>#key=…</code>).
        </Notice>
      </Screen>
    );
  }
  if (autoName) {
    return (
      <Screen title={title}>
        {error ? (
          <>
            <Notice kind="error" title="The stage screen could not join" testId="join-error">
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
