/**
 * The baseline: the least a Node process can do to fan one message out to N WebSocket clients.
 * A bare `ws` server (no Socket.IO, no rooms, no auth, no store) that relays every message it
 * receives, byte for byte, to every other open client. The bench measures it exactly like a Rally
 * node (same agent, same clients machine, same payload) and reports Rally's figures as ratios.
 */
import { createServer } from 'node:http';
import { WebSocketServer, WebSocket } from 'ws';

const port = Number(process.env.PORT ?? 0);
const http = createServer((req, res) => {
  if (req.url === '/readyz' || req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    return;
  }
  res.writeHead(404).end();
});
const wss = new WebSocketServer({ server: http, perMessageDeflate: false, maxPayload: 16 * 1024 });

wss.on('connection', (ws) => {
  ws.on('error', () => ws.terminate());
  ws.on('message', (data, isBinary) => {
    // One buffer, sent as is to everyone else: the same "encode once" Socket.IO does for a room.
    for (const c of wss.clients) {
      if (c !== ws && c.readyState === WebSocket.OPEN) c.send(data, { binary: isBinary });
    }
  });
});

http.listen(port, '127.0.0.1');
const stop = () => {
  for (const c of wss.clients) c.terminate();
  wss.close();
  http.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
