import net from 'node:net';

/**
 * A TCP proxy for fault tests: clients connect to `port`, each connection is piped to the target
 * (a Rally node, a redis-server). It plays the network between them: it can stall every byte
 * (pause), delay every chunk (slow), drop every connection (cut), refuse new ones (down), and send new
 * connections elsewhere (retarget, as a load balancer does when a node dies). Nothing is mocked: both
 * ends see real sockets behaving as a bad network makes them behave.
 */
export interface TcpProxy {
  port: number;
  /** `http://127.0.0.1:<port>`, for HTTP and Socket.IO clients. */
  url: string;
  /** Connections open now (client side). */
  connections(): number;
  /** New connections go to this port from now on; open ones stay where they are. */
  retarget(port: number): void;
  /** Stalls every open and new connection: no byte passes either way, nothing is closed (a frozen Wi-Fi). */
  pause(): void;
  /** Undoes pause() and slow(): held bytes flow on, in order. */
  resume(): void;
  /** Delays every chunk by `ms` each way, order kept (a congested link). */
  slow(ms: number): void;
  /** Destroys every open connection at once (both sides see a reset). */
  cut(): void;
  /** While down, new connections are destroyed as soon as they arrive (the network is gone). */
  down(on: boolean): void;
  close(): Promise<void>;
}

interface Pipe {
  client: net.Socket;
  upstream: net.Socket;
}

export async function startTcpProxy(targetPort: number, host = '127.0.0.1'): Promise<TcpProxy> {
  let target = targetPort;
  let paused = false;
  let delayMs = 0;
  let isDown = false;
  const pipes = new Set<Pipe>();

  /** Forwards `from` to `to`, one chunk at a time, honouring pause and slow at each chunk. */
  function forward(from: net.Socket, to: net.Socket): void {
    let chain = Promise.resolve();
    from.on('data', (chunk) => {
      if (paused) from.pause();
      chain = chain.then(async () => {
        while (paused && !to.destroyed) await new Promise((r) => setTimeout(r, 20));
        if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
        if (!to.destroyed) to.write(chunk);
        if (!paused && from.isPaused()) from.resume();
      });
    });
    from.on('end', () => void chain.then(() => to.end()));
  }

  const server = net.createServer((client) => {
    if (isDown) {
      client.destroy();
      return;
    }
    const upstream = net.connect({ port: target, host });
    const pipe = { client, upstream };
    pipes.add(pipe);
    const drop = () => {
      pipes.delete(pipe);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    forward(client, upstream);
    forward(upstream, client);
  });
  // Thousands of sockets in a reconnect storm arrive faster than the default backlog takes.
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve));
  const port = (server.address() as net.AddressInfo).port;

  const cutAll = () => {
    for (const { client, upstream } of [...pipes]) {
      client.destroy();
      upstream.destroy();
    }
    pipes.clear();
  };
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    connections: () => pipes.size,
    retarget(p) {
      target = p;
    },
    pause() {
      paused = true;
      for (const { client, upstream } of pipes) {
        client.pause();
        upstream.pause();
      }
    },
    resume() {
      paused = false;
      delayMs = 0;
      for (const { client, upstream } of pipes) {
        client.resume();
        upstream.resume();
      }
    },
    slow(ms) {
      delayMs = ms;
    },
    cut: cutAll,
    down(on) {
      isDown = on;
    },
    close() {
      cutAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
