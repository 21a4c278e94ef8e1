import { LiveKitRoom, RoomAudioRenderer, TrackToggle, VideoTrack, useTracks } from '@livekit/components-react';
import { Track } from 'livekit-client';

/** [BRK75] [BRK80] A room's call: everyone's camera in a grid, with the participant's own camera and microphone toggles. */
export default function RoomCall({ serverUrl, token, publish }: { serverUrl: string; token: string; publish: boolean }) {
  return (
    <LiveKitRoom serverUrl={serverUrl} token={token} connect audio={publish} video={publish} className="brk-call">
      <Grid />
      <RoomAudioRenderer />
      {publish ? (
        <div className="row brk-call-controls">
          <TrackToggle source={Track.Source.Microphone} className="btn btn-small">
            Microphone
          </TrackToggle>
          <TrackToggle source={Track.Source.Camera} className="btn btn-small">
            Camera
          </TrackToggle>
        </div>
      ) : null}
    </LiveKitRoom>
  );
}

function Grid() {
  const tracks = useTracks([Track.Source.Camera], { onlySubscribed: false }).filter((t) => t.publication);
  if (tracks.length === 0) return <p className="muted">Nobody’s camera is on yet.</p>;
  return (
    <ul className="brk-call-grid">
      {tracks.map((t) => {
        const name = t.participant.name || t.participant.identity;
        const self = t.participant.isLocal;
        return (
          // [BRK80] One's own tile says so and is mirrored, as a self-view is everywhere else.
          <li key={`${t.participant.identity}:${t.source}`} className={self ? 'is-self' : undefined}>
            <VideoTrack trackRef={t} aria-label={`${name}’s camera`} />
            <span className="brk-call-name" title={name}>
              {self ? `${name} (you)` : name}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
