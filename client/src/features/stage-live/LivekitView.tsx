import { LiveKitRoom, RoomAudioRenderer, VideoTrack, useTracks } from '@livekit/components-react';
import { Track } from 'livekit-client';

/** Subscribe-only: no camera or microphone is ever asked for. */
export default function LivekitView({ serverUrl, token, onFailed }: { serverUrl: string; token: string; onFailed: () => void }) {
  return (
    <LiveKitRoom serverUrl={serverUrl} token={token} connect audio={false} video={false} onError={onFailed} className="stream-livekit">
      <Tracks />
      <RoomAudioRenderer />
    </LiveKitRoom>
  );
}

function Tracks() {
  const tracks = useTracks([Track.Source.ScreenShare, Track.Source.Camera], { onlySubscribed: true });
  const first = tracks[0];
  if (!first) {
    return (
      <p className="muted" role="status">
        Waiting for the stage to go live…
      </p>
    );
  }
  return <VideoTrack trackRef={first} className="stream-video" aria-label="Live stage video" />;
}
