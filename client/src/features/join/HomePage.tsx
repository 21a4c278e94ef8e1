import { useId, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, ApiError } from '../../lib/api';
import { codeProblem, normalizeCode } from '../../lib/joinCode';
import { Screen } from '../../components/Layout';
import { lookupErrorMessage } from './messages';

/** `/`: type the code shown on the stage screen. */
export function HomePage() {
  const navigate = useNavigate();
  const [raw, setRaw] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputId = useId();
  const errorId = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const code = normalizeCode(raw);
    const problem = codeProblem(code);
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.lookupEvent(code);
      navigate(`/j/${code}`);
    } catch (err) {
      setError(lookupErrorMessage(err instanceof ApiError ? err : null, code));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Screen title="Join an event">
      <section className="card hero">
        <h1>Join the event</h1>
        <p className="muted">Enter the code on the stage screen, or scan its QR code.</p>
        <form onSubmit={submit} noValidate className="stack">
          <label htmlFor={inputId}>Event code</label>
          <input
            id={inputId}
            name="code"
            className="code-input"
            value={raw}
            onChange={(e) => setRaw(e.target.value)}
            autoComplete="off"
            autoCapitalize="characters"
            autoCorrect="off"
            spellCheck={false}
            inputMode="text"
            maxLength={12}
            placeholder="e.g. 7KQ4MX"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
            data-testid="code-input"
            required
          />
          {error ? (
            <p id={errorId} className="field-error" role="alert" data-testid="join-error">
              {error}
            </p>
          ) : null}
          <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="code-submit">
            {busy ? 'Looking up…' : 'Continue'}
          </button>
        </form>
      </section>
      <p className="footnote">
        Organising an event? <Link to="/organiser">Open the organiser page</Link>.
      </p>
    </Screen>
  );
}
