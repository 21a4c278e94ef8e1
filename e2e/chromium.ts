/**
 * The machine's Chromium and the flags every browser test launches it with (the e2e tier and the
 * LiveKit tier's real-video test): Debian's package, headless without a sandbox or GPU, and nothing
 * that reaches out to the network (there is none but loopback).
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Added for WebRTC: fake camera and microphone, their permission prompt answered, and loopback ICE
 * candidates allowed. livekit-server offers 127.0.0.1 only; Chromium leaves loopback out of its own
 * candidates unless told, which a machine with no other interface needs.
 */
export const WEBRTC_ARGS: readonly string[] = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--allow-loopback-in-peer-connection'];
