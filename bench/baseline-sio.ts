/**
 * The second baseline: a bare Socket.IO server, to split Rally's fan-out cost into what Socket.IO
 * itself costs per recipient (bare ws → bare Socket.IO) and what Rally adds on top (bare
 * Socket.IO → Rally). It has Rally's engine options (websocket, no compression, the same pings)
 * and nothing else: no auth, no store, no recovery (see lib/bare-sio.ts). Every client joins one
 * room; one relay socket (auth `{ relay: true }`) sends the text of a Socket.IO frame (`42[...]`)
 * and the server emits its arguments to the room: one broadcast, so the frame is encoded once
 * (wsPreEncodedFrame) and is byte for byte the frame it was given. Connection-state recovery is
 * off on purpose: it would append a second offset to frames that already carry Rally's; its cost
 * is per broadcast (one array push), not per recipient.
 */
import { serveBareSio } from './lib/bare-sio.js';

const ROOM = 'all';

serveBareSio((io) => {
  io.on('connection', (socket) => {
    if ((socket.handshake.auth as { relay?: unknown }).relay !== true) {
      socket.join(ROOM);
      return;
    }
    socket.on('relay', (frame: unknown) => {
      if (typeof frame !== 'string' || !frame.startsWith('42[')) return;
      const args = JSON.parse(frame.slice(2)) as [string, ...unknown[]];
      (io.to(ROOM).emit as (...a: unknown[]) => boolean)(...args);
    });
  });
});
