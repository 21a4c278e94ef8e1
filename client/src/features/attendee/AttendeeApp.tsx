import { useId, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import type { Mode } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { Screen } from '../../components/Layout';
import { MODE_LABEL, ModeBadge } from '../../components/Badges';
import { AgendaNowNext } from '../../components/AgendaNowNext';
import { ModeChoice } from '../join/ModeChoice';
import { clearToken } from '../../lib/tokens';
import { AttendeePolls } from '../polls/AttendeePolls';
import { AttendeeQuestions } from '../qa/AttendeeQuestions';
import { AnnouncementBanner, JoinNoticeBanner, ReactionsBar, RoomSwitch, StageWithActivity } from '../stage-live/AttendeeStage';
import { EventChat } from '../stage-live/Chat';
import { AttendeeSurvey } from '../engagement/AttendeeSurvey';
import { AttendeeLeaderboard } from '../engagement/AttendeeLeaderboard';

export function AttendeeApp({ code }: { code: string }) {
  const { state, connection } = useLive();
  const { event, me } = state;
  const navigate = useNavigate();

  function leave() {
    if (!window.confirm('Leave this event on this device? You can join again with the code.')) return;
    clearToken(code, 'attendee');
    navigate(`/j/${code}`, { replace: true });
  }

  return (
    <Screen title={event.name} subtitle={`Code ${code}`} connection={connection}>
      <AnnouncementBanner />
      <JoinNoticeBanner code={code} />
      <section className="card me" aria-labelledby="me-heading">
        <h1 id="me-heading" className="visually-hidden">
          You
        </h1>
        <p className="me-line" data-testid="me-summary">
          You are <strong data-testid="my-name">{me.name}</strong>
          {me.team ? (
            <>
              {' · '}
              <span data-testid="my-team">{me.team}</span>
            </>
          ) : null}
          {' · '}
          <span data-testid="my-mode" data-mode={me.mode}>
            {MODE_LABEL[me.mode]}
          </span>
        </p>
        <p className="muted small">
          Participant ID <code data-testid="my-participant-id">{me.id}</code>
        </p>
        <ChangeMe />
        <RoomSwitch />
      </section>

      <StageWithActivity>
      <section className="card activity" aria-labelledby="activity-heading" data-testid="activity-area">
        <h2 id="activity-heading">Live now</h2>
        <AttendeePolls
          fallback={
            <p className="empty" data-testid="activity-empty">
              Nothing live right now. Polls, questions and quizzes will appear here when the stage launches them.
            </p>
          }
        />
      </section>
      </StageWithActivity>

      <ReactionsBar />

      <AttendeeSurvey />

      <AttendeeLeaderboard />

      <AttendeeQuestions />

      <EventChat />

      <AgendaNowNext event={event} />

      <div className="row end">
        <button type="button" className="btn btn-quiet" onClick={leave} data-testid="leave-event">
          Leave this event on this device
        </button>
      </div>
    </Screen>
  );
}

function ChangeMe() {
  const { state, send } = useLive();
  const { event, me } = state;
  const [open, setOpen] = useState(false);
  const [team, setTeam] = useState(me.team ?? '');
  const [mode, setMode] = useState<Mode>(me.mode);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState('');
  const teamId = useId();

  function toggle() {
    setTeam(me.team ?? '');
    setMode(me.mode);
    setSaved('');
    setOpen((o) => !o);
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    const changes = {
      ...(team && team !== me.team ? { team } : {}),
      ...(mode !== me.mode ? { mode } : {}),
    };
    if (Object.keys(changes).length === 0) {
      setOpen(false);
      return;
    }
    setBusy(true);
    const ack = await send('participant:update', changes);
    setBusy(false);
    if (ack.ok) {
      setSaved('Saved');
      setOpen(false);
    }
  }

  return (
    <div className="change-me">
      <div className="row">
        <button type="button" className="btn" aria-expanded={open} aria-controls="change-me-form" onClick={toggle} data-testid="change-me">
          Change team or mode
        </button>
        <ModeBadge mode={me.mode} />
        <span aria-live="polite" className="muted small">
          {saved}
        </span>
      </div>
      {open ? (
        <form id="change-me-form" className="stack" onSubmit={save} data-testid="change-me-form">
          {event.teams.length > 0 ? (
            <div className="field">
              <label htmlFor={teamId}>Team</label>
              <select id={teamId} value={team} onChange={(e) => setTeam(e.target.value)} data-testid="change-team">
                {!me.team ? <option value="">Choose your team…</option> : null}
                {event.teams.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <ModeChoice value={mode} onChange={setMode} />
          <div className="row">
            <button type="submit" className="btn btn-primary" disabled={busy} data-testid="change-me-save">
              {busy ? 'Saving…' : 'Save'}
            </button>
            <button type="button" className="btn btn-quiet" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
