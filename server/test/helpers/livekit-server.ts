import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import { livekitServerBin } from '../../../scripts/livekit-server.mjs';
import { freePort } from './redis-server.js';

export interface LivekitServerHandle {
  /** The HTTP address of its API (Rally turns it into ws:// for browsers). */
  httpUrl: string;
  apiKey: string;
  apiSecret: string;
  /** LIVEKIT_URL / LIVEKIT_API_KEY / LIVEKIT_API_SECRET for a Rally server that uses this one. */
  env: { LIVEKIT_URL: string; LIVEKIT_API_KEY: string; LIVEKIT_API_SECRET: string };
  /** What it printed so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** A free loopback UDP port for the server's single muxed media port. */
function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket('udp4');
    sock.once('error', reject);
    sock.bind(0, '127.0.0.1', () => {
      const { port } = sock.address();
      sock.close(() => resolve(port));
    });
  });
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** LiveKit answers GET / with 200 "OK" once its HTTP server is up. */
async function answers(httpUrl: string): Promise<boolean> {
  try {
    const res = await fetch(httpUrl, { signal: AbortSignal.timeout(500) });
    return res.ok;
  } catch {
    return false;
  }
}

/** What a test may fix in advance: its HTTP port and key pair (so a Rally server can be configured first), and where its webhooks go. */
export interface LivekitServerOptions {
  port?: number;
  apiKey?: string;
  apiSecret?: string;
  /** LiveKit POSTs its signed webhooks (signed with `apiKey`) to these URLs. */
  webhookUrls?: string[];
}

/** A fresh API key pair in LiveKit's style (Rally wants a secret of 32+ characters). */
export function livekitCredentials(): { apiKey: string; apiSecret: string } {
  return { apiKey: `APIrally${randomBytes(4).toString('hex')}`, apiSecret: randomBytes(24).toString('base64url') };
}

async function startOnce(bin: string, key: string, secret: string, opts: LivekitServerOptions): Promise<{ child: ChildProcess; httpUrl: string; output: () => string }> {
  const [port, tcpPort, udpPort] = [opts.port ?? (await freePort()), await freePort(), await freeUdpPort()];
  // Everything on loopback and nothing looked up outside: no external IP discovery (STUN), the node
  // address given, no TURN. Our own key pair, since Rally wants a secret of 32+ characters. Webhooks,
  // when asked for, signed with that key.
  const config = [
    `port: ${port}`,
    'bind_addresses: ["127.0.0.1"]',
    'rtc:',
    `  tcp_port: ${tcpPort}`,
    `  udp_port: ${udpPort}`,
    '  use_external_ip: false',
    'keys:',
    `  ${key}: ${secret}`,
    ...(opts.webhookUrls?.length ? ['webhook:', `  api_key: ${key}`, '  urls:', ...opts.webhookUrls.map((u) => `    - ${JSON.stringify(u)}`)] : []),
    'logging:',
    '  level: warn',
  ].join('\n');
  const child = spawn(bin, ['--config-body', config, '--node-ip', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += d.toString()));
  child.stderr?.on('data', (d) => (output += d.toString()));
  child.once('error', (e) => (output += `\nspawn error: ${e.message}`));
  const httpUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (exited(child)) throw new Error(`livekit-server exited during startup:\n${output}`);
    if (await answers(httpUrl)) return { child, httpUrl, output: () => output };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`livekit-server did not answer on ${httpUrl} within 20 s:\n${output}`);
}

/**
 * Spawns a real livekit-server (built by scripts/ensure-prereqs.mjs) on free loopback ports with a
 * fresh API key and secret, or the HTTP port and key pair given (a port given is kept through the
 * retries, so a taken one fails), sending webhooks where asked. stop() ends it.
 */
export async function startLivekitServer(opts: LivekitServerOptions = {}): Promise<LivekitServerHandle> {
  const bin = livekitServerBin();
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run node scripts/ensure-prereqs.mjs (it builds livekit-server with Go)`);
  const fresh = livekitCredentials();
  const apiKey = opts.apiKey ?? fresh.apiKey;
  const apiSecret = opts.apiSecret ?? fresh.apiSecret;
  let started: Awaited<ReturnType<typeof startOnce>> | undefined;
  // Another process can take a probed port before LiveKit binds it: retry a few times.
  for (let attempt = 1; !started; attempt++) {
    try {
      started = await startOnce(bin, apiKey, apiSecret, opts);
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
  const { child, httpUrl, output } = started;
  // If the test process dies without calling stop(), do not leave the server running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    httpUrl,
    apiKey,
    apiSecret,
    env: { LIVEKIT_URL: httpUrl, LIVEKIT_API_KEY: apiKey, LIVEKIT_API_SECRET: apiSecret },
    output,
    async stop() {
      process.off('exit', killOnExit);
      if (exited(child)) return;
      // A second signal makes LiveKit skip draining rooms; tests have nothing to drain.
      child.kill('SIGTERM');
      if (!(await waitExit(child, 1_000))) child.kill('SIGTERM');
      if (!(await waitExit(child, 5_000))) {
        child.kill('SIGKILL');
        await waitExit(child, 5_000);
      }
    },
  };
}
