/**
 * The bare Socket.IO server both Socket.IO baselines run (bench/baseline-sio.ts for broadcasts,
 * bench/baseline-sio-commands.ts for commands): Rally's engine options (server/src/app.ts:
 * websocket, no compression, the same pings and frame cap) and nothing else: no auth, no store,
 * no recovery, no adapter of Rally's. One definition, so the two baselines cannot drift apart.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

/** Rally's MAX_FRAME_BYTES (server/src/app.ts). */
const MAX_FRAME_BYTES = 16 * 1024;

export function serveBareSio(setup: (io: Server) => void): void {
  const port = Number(process.env.PORT ?? 0);
  const http = createServer((req, res) => {
    if (req.url === '/readyz' || req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      return;
    }
    // Socket.IO answers its own path; anything else is not ours.
    if (!req.url?.startsWith('/socket.io/')) res.writeHead(404).end();
  });
  const io = new Server(http, { serveClient: false, maxHttpBufferSize: MAX_FRAME_BYTES, perMessageDeflate: false, httpCompression: false, pingInterval: 25_000, pingTimeout: 20_000 });
  setup(io);
  http.listen(port, '127.0.0.1');
  const stop = () => {
    io.close();
    http.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
