import { useLive } from '../../components/EventGate';
import { QrCode } from '../../components/QrCode';
import { StageRoomCode } from '../stage-live/StageExtras';
import { FitBox } from './FitBox';

/**
 * How to join, always on the projector: the short link, the join code, the room code and the QR.
 * [STAGE44] The QR has a box of its own, sized from the panel (container units), and the text
 * scales to the space left beside or under it, so nothing is ever drawn over the code.
 */
export function StageJoin({ code }: { code: string }) {
  const { state } = useLive();
  // [STAGE11] The QR carries the rotating room code, so scanning it proves presence in the room.
  const joinUrl = state.stage.roomCode?.joinUrl ?? `${window.location.origin}/j/${code}`;
  const shortUrl = `${window.location.host}/j/${code}`;
  return (
    <section className="stage-join" aria-label="How to join">
      <div className="stage-join-inner">
      <FitBox className="stage-join-fit">
        <div className="stage-join-text">
          <p className="stage-label">Join at</p>
          <p className="stage-url">{shortUrl}</p>
          <p className="stage-label">or enter the code</p>
          <p className="stage-code" data-testid="stage-join-code" aria-label={`Join code ${code.split('').join(' ')}`}>
            {code}
          </p>
          <StageRoomCode />
        </div>
      </FitBox>
      <div className="stage-qr-box">
        <QrCode className="stage-qr" text={joinUrl} size={360} alt={`QR code to join ${state.event.name}: opens ${joinUrl}`} testId="stage-qr" />
      </div>
      </div>
    </section>
  );
}
