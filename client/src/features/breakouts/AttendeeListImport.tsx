import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { RosterEntry } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { sentence } from '../../lib/text';
import { loadToken } from '../../lib/tokens';
import { describeChanges, fetchRoster, problemText, rosterChanges, templatePath, uploadRoster, type ImportProblem } from './attendeeList';
import './attendee-list.css';

type Current = { kind: 'loading' } | { kind: 'ready'; entries: RosterEntry[] } | { kind: 'unknown'; message: string };
/** null: the file is sent and the server is checking it. */
type Upload = { sent: number | null } | null;

const NO_SESSION = 'Your moderator session is not stored in this browser: open the moderator link again to use the attendee list.';

/**
 * [BRK36]–[BRK38] The Breakouts section's attendee list: how many people it holds, the template,
 * and a CSV (or JSON) upload that replaces it, with progress, every refused line named, and what
 * the import added, updated and removed. The list itself (names, emails) stays on the server.
 */
export function AttendeeListImport() {
  const { state } = useLive();
  const eventId = state.event.id;
  const code = state.event.code;
  const uid = useId();
  const fileRef = useRef<HTMLInputElement>(null);
  const [current, setCurrent] = useState<Current>({ kind: 'loading' });
  const [upload, setUpload] = useState<Upload>(null);
  const [problems, setProblems] = useState<ImportProblem[] | null>(null);
  const [failure, setFailure] = useState('');
  const [done, setDone] = useState('');

  useEffect(() => {
    const token = loadToken(code, 'moderator');
    if (!token) return setCurrent({ kind: 'unknown', message: NO_SESSION });
    let cancelled = false;
    void fetchRoster(eventId, token).then((r) => {
      if (!cancelled) setCurrent(r.ok ? { kind: 'ready', entries: r.entries } : { kind: 'unknown', message: `The attendee list could not be read: ${r.message}` });
    });
    return () => {
      cancelled = true;
    };
  }, [code, eventId]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setProblems(null);
    setFailure('');
    setDone('');
    const file = fileRef.current?.files?.[0];
    if (!file) return setFailure('Choose a CSV file first: start from the template if you have none.');
    const token = loadToken(code, 'moderator');
    if (!token) return setFailure(NO_SESSION);
    setUpload({ sent: 0 });
    const outcome = await uploadRoster(eventId, token, file, (sent) => setUpload({ sent }));
    setUpload(null);
    if (outcome.ok) {
      // Counts against the list read before; without it, the total alone is still true.
      const before = current.kind === 'ready' ? current.entries : null;
      setDone(before ? describeChanges(outcome.entries.length, rosterChanges(before, outcome.entries)) : `Imported: ${outcome.entries.length} on the list.`);
      setCurrent({ kind: 'ready', entries: outcome.entries });
      if (fileRef.current) fileRef.current.value = '';
    } else if (outcome.problems) setProblems(outcome.problems);
    else setFailure(sentence(outcome.message));
  }

  const busy = upload !== null;
  const size = current.kind === 'ready' ? current.entries.length : null;
  return (
    <form className="brk-roster editor-box stack" onSubmit={submit} aria-labelledby={`${uid}-h`} data-testid="brk-roster">
      <div className="row spread">
        <h3 id={`${uid}-h`}>Attendee list</h3>
        <span className="badge" data-testid="brk-roster-size">
          {size === null ? (current.kind === 'loading' ? 'Reading…' : 'Size unknown') : size === 0 ? 'No list yet' : `${size} ${size === 1 ? 'person' : 'people'}`}
        </span>
      </div>
      <p className="muted small">
        Attendees who join with an email on this list get its team, title, tenure, region, facilitator flag and room, which the assignment strategies use. A new file
        replaces the whole list. Columns: name, email (required), team, title, tenure, region, facilitator (yes or no), room.{' '}
        <a href={templatePath(eventId)} download="rally-attendee-list-template.csv" data-testid="brk-roster-template">
          Download the template (CSV)
        </a>
      </p>
      {current.kind === 'unknown' ? <p className="field-error">{current.message}</p> : null}
      <div className="row brk-roster-pick">
        <div className="field">
          <label htmlFor={`${uid}-file`}>CSV file</label>
          <input ref={fileRef} id={`${uid}-file`} type="file" accept=".csv,.json,text/csv,application/json" disabled={busy} data-testid="brk-roster-file" />
        </div>
        <button type="submit" className="btn" disabled={busy} aria-busy={busy} data-testid="brk-roster-submit">
          {busy ? 'Importing…' : 'Import the list'}
        </button>
      </div>
      {upload ? (
        <div className="row brk-roster-progress" data-testid="brk-roster-progress">
          <progress aria-label="Uploading the attendee list" max={1} value={upload.sent ?? undefined} />
          <span className="muted small">{upload.sent === null ? 'Checking the list…' : `Uploading… ${Math.round(upload.sent * 100)}%`}</span>
        </div>
      ) : null}
      <p className="muted small" role="status" data-testid="brk-roster-status">
        {done}
      </p>
      {failure ? (
        <p className="field-error" role="alert" data-testid="brk-roster-failure">
          {failure}
        </p>
      ) : null}
      {problems ? (
        <div role="alert" className="brk-roster-errors" data-testid="brk-roster-errors">
          <p className="field-error">
            Nothing was imported; the list is as it was. Fix {problems.length === 1 ? 'this line' : 'these lines'} in the file and try again:
          </p>
          <ul>
            {problems.map((p, i) => (
              <li key={i} data-testid="brk-roster-error">
                {problemText(p)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </form>
  );
}
