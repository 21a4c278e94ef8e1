/**
 * The second baseline: a bare Socket.IO server, to split Rally's fan-out cost into what Socket.IO
 * itself costs per recipient (bare ws → bare Socket.IO) and what Rally adds on top (bare
 * Socket.IO → Rally). It has Rally's engine options (websocket, no compression, the same pings)
 * and nothing else: no auth, no store, no recovery. Every client joins one room; one relay socket
 * (auth `{ relay: true }`) sends the text of a Socket.IO frame (`42[...]`) and the server emits
 * its arguments to the room: one broadcast, so the frame is encoded once (wsPreEncodedFrame) and
 * is byte for byte the frame it was given. Connection-state recovery is off on purpose: it would
 * append a second offset to frames that already carry Rally's; its cost is per broadcast (one
 * array push), not per recipient.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const port = Number(process.env.PORT ?? 0);
const http = createServer((req, res) => {
  if (req.url === '/readyz' || req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    return;
  }
  // Socket.IO answers its own path; anything else is not ours.
  if (!req.url?.startsWith('/socket.io/')) res.writeHead(404).end();
});
const io = new Server(http, { serveClient: false, perMessageDeflate: false, httpCompression: false, pingInterval: 25_000, pingTimeout: 20_000 });
const ROOM = 'all';

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

http.listen(port, '127.0.0.1');
const stop = () => {
  io.close();
  http.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
