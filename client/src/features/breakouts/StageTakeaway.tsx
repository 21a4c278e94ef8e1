import './breakouts.css';

/** [BRK77] A breakout room's takeaway on the stage screen: the room's name, the text, who wrote it. */
export function StageTakeaway({ roomName, text, byName }: { roomName: string; text: string; byName: string }) {
  return (
    <div className="stage-takeaway" data-testid="stage-takeaway">
      <p className="stage-takeaway-kicker">Breakout takeaway</p>
      <h2 className="stage-takeaway-room" data-testid="stage-takeaway-room">
        {roomName}
      </h2>
      <p className="stage-takeaway-text" data-testid="stage-takeaway-text">
        “{text}”
      </p>
      <p className="stage-takeaway-by">— {byName}</p>
    </div>
  );
}
