import { useEffect } from 'react';
import { useLive } from '../../components/EventGate';
import { ConnectionPill } from '../../components/ConnectionPill';
import { QrCode } from '../../components/QrCode';
import { nowAndNext } from '../../lib/agenda';
import { StagePoll } from '../polls/StagePoll';
import { StageQuestion } from '../qa/StageQuestion';
import { ReactionBursts, StageAnnouncement, StageLogo, StageRemoteWatching, StageRoomCode, useBrandingStyle } from '../stage-live/StageExtras';

/** The projector: read from the back of the room, nothing to click. */
export function StageScreen({ code }: { code: string }) {
  const { state, connection } = useLive();
  const { now } = nowAndNext(state.event);
  // [STAGE11] The QR carries the rotating room code, so scanning it proves presence in the room.
  const joinUrl = state.stage.roomCode?.joinUrl ?? `${window.location.origin}/j/${code}`;
  const brandStyle = useBrandingStyle();
  const shortUrl = `${window.location.host}/j/${code}`;
  const counts = state.presence?.counts;

  useEffect(() => {
    document.body.classList.add('stage-body');
    return () => document.body.classList.remove('stage-body');
  }, []);

  return (
    <main className="stage branded" style={brandStyle} data-testid="stage-screen">
      <div className="stage-pill">
        <ConnectionPill state={connection} />
      </div>
      <header className="stage-head">
        <div className="stage-brand">
          <StageLogo />
          <h1 className="stage-event" data-testid="stage-event-name">
            {state.event.name}
          </h1>
        </div>
        <p className="stage-session" data-testid="stage-live-session">
          {now ? now.title : '\u00a0'}
        </p>
      </header>
      <section className="stage-join" aria-label="How to join">
        <div className="stage-join-text">
          <p className="stage-label">Join at</p>
          <p className="stage-url">{shortUrl}</p>
          <p className="stage-label">or enter the code</p>
          <p className="stage-code" data-testid="stage-join-code" aria-label={`Join code ${code.split('').join(' ')}`}>
            {code}
          </p>
          <StageRoomCode />
        </div>
        <QrCode
          className="stage-qr"
          text={joinUrl}
          size={360}
          alt={`QR code to join ${state.event.name}: opens ${joinUrl}`}
          testId="stage-qr"
        />
      </section>
      <StageAnnouncement />
      <section className="stage-activity" aria-label="Live activity">
        <StageQuestion fallback={<StagePoll fallback={<p className="stage-idle">Nothing live right now</p>} />} />
      </section>
      {counts ? (
        <footer className="stage-counts" data-testid="stage-counts">
          <span>
            <strong>{counts.room}</strong> in the room
          </span>
          <span>
            <strong>{counts.remote}</strong> remote
          </span>
        </footer>
      ) : null}
      <StageRemoteWatching />
      <ReactionBursts />
    </main>
  );
}
