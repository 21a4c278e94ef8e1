import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';
import { parseRedisUrl } from './store/redis/connect.js';

const bad = (env: Record<string, string>) => {
  try {
    parseConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
};

const PROD = { NODE_ENV: 'production', SECRET: 's'.repeat(32), ADMIN_TOKEN: 'a'.repeat(16) };

describe('configuration', () => {
  it('[OPS11] production requires SECRET and ADMIN_TOKEN, naming every one missing in one line', () => {
    const both = bad({ NODE_ENV: 'production' });
    expect(both.split('\n')).toHaveLength(1);
    expect(both).toMatch(/SECRET and ADMIN_TOKEN are required with NODE_ENV=production/);
    expect(bad({ NODE_ENV: 'production', SECRET: PROD.SECRET })).toMatch(/ADMIN_TOKEN is required with NODE_ENV=production/);
    const one = bad({ NODE_ENV: 'production', ADMIN_TOKEN: PROD.ADMIN_TOKEN });
    expect(one).toMatch(/SECRET is required/);
    expect(one).not.toContain('ADMIN_TOKEN');
    expect(parseConfig(PROD).secret).toBe(PROD.SECRET);
  });

  it('[OPS12] production creates no demo event unless DEMO asks for one; development does unless NO_DEMO', () => {
    expect(parseConfig(PROD).seedDemo).toBe(false);
    expect(parseConfig({ ...PROD, DEMO: '1' }).seedDemo).toBe(true);
    expect(parseConfig({}).seedDemo).toBe(true);
    expect(parseConfig({ NO_DEMO: '1' }).seedDemo).toBe(false);
    expect(parseConfig({ NO_DEMO: '1', DEMO: 'true' }).seedDemo).toBe(true);
  });

  it('[CFG8] LISTEN_BACKLOG defaults to 8192 pending connections; a bad value is one line naming it', () => {
    expect(parseConfig({}).backlog).toBe(8192);
    expect(parseConfig({ LISTEN_BACKLOG: '1024' }).backlog).toBe(1024);
    const msg = bad({ LISTEN_BACKLOG: 'lots' });
    expect(msg.split('\n')).toHaveLength(1);
    expect(msg).toContain('LISTEN_BACKLOG');
  });

  it('[CFG1] an empty environment gives the embedded defaults', () => {
    const c = parseConfig({});
    expect(c.port).toBe(3000);
    expect(c.redisUrl).toBeUndefined();
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.livekit).toBeUndefined();
    expect(c.seedDemo).toBe(true);
  });

  it('[CFG2] a bad value stops the server with one line naming the variable', () => {
    for (const [env, name] of [
      [{ PORT: 'abc' }, 'PORT'],
      [{ PORT: '70000' }, 'PORT'],
      [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
      [{ PUBLIC_URL: 'nope' }, 'PUBLIC_URL'],
      [{ SECRET: 'short' }, 'SECRET'],
      [{ ADMIN_TOKEN: 'short' }, 'ADMIN_TOKEN'],
      [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    ] as const) {
      const msg = bad(env);
      expect(msg).toContain(name);
      expect(msg.split('\n')).toHaveLength(1);
    }
  });

  it('[OPS25] metrics are off by default; METRICS_TOKEN, METRICS_PORT and METRICS_HOST are read and checked', () => {
    expect(parseConfig({}).metrics).toEqual({ token: undefined, port: undefined, host: '127.0.0.1' });
    expect(parseConfig({ METRICS_TOKEN: 'metrics-token-0123456789', METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' }).metrics).toEqual({
      token: 'metrics-token-0123456789',
      port: 9464,
      host: '0.0.0.0',
    });
    expect(bad({ METRICS_TOKEN: 'short' })).toMatch(/^Invalid configuration: METRICS_TOKEN /);
    expect(bad({ METRICS_PORT: 'ninety' })).toMatch(/^Invalid configuration: METRICS_PORT /);
  });

  it('[CFG7] LOG_LEVEL defaults to warn on a terminal and info in production; a set value wins', () => {
    expect(parseConfig({}).logLevel).toBe('warn');
    expect(parseConfig({ ...PROD }).logLevel).toBe('info');
    expect(parseConfig({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(parseConfig({ ...PROD, LOG_LEVEL: 'error' }).logLevel).toBe('error');
  });

  it('[CFG3] LiveKit settings come as a set of three', () => {
    expect(bad({ LIVEKIT_URL: 'wss://lk.example' })).toContain('LIVEKIT_URL');
    const c = parseConfig({ LIVEKIT_URL: 'wss://lk.example', LIVEKIT_API_KEY: 'key', LIVEKIT_API_SECRET: 's'.repeat(32) });
    expect(c.livekit?.url).toBe('wss://lk.example');
    expect(c.livekit?.apiUrl).toBeUndefined();
    // The server may reach LiveKit's API at another address than browsers do; only with the three.
    const api = parseConfig({ LIVEKIT_URL: 'wss://lk.example', LIVEKIT_API_KEY: 'key', LIVEKIT_API_SECRET: 's'.repeat(32), LIVEKIT_API_URL: 'http://livekit:7880' });
    expect(api.livekit).toMatchObject({ url: 'wss://lk.example', apiUrl: 'http://livekit:7880' });
    expect(bad({ LIVEKIT_API_URL: 'http://livekit:7880' })).toContain('LIVEKIT_API_URL');
  });

  it('[CFG4] cluster mode requires a shared SECRET and ADMIN_TOKEN', () => {
    expect(bad({ REDIS_URL: 'redis://127.0.0.1:6390' })).toContain('SECRET');
    expect(bad({ REDIS_URL: 'redis://127.0.0.1:6390', SECRET: 's'.repeat(32) })).toContain('ADMIN_TOKEN');
  });

  it('[CFG5] the public origin and ALLOWED_ORIGINS are the origins allowed to open sockets', () => {
    const c = parseConfig({ PUBLIC_URL: 'https://sko.example.com/', ALLOWED_ORIGINS: 'http://localhost:5173, https://x.example' });
    expect(c.publicUrl).toBe('https://sko.example.com');
    expect(c.allowedOrigins).toEqual(['https://sko.example.com', 'http://localhost:5173', 'https://x.example']);
  });

  it('[SEC3] TRUST_PROXY is a hop count or a list of proxies; by default only loopback; "trust everyone" is refused', () => {
    expect(parseConfig({}).trustProxy).toEqual(['loopback']);
    expect(parseConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(parseConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8, 192.168.1.5, fd00::/8, 172.16.0.0/255.240.0.0' }).trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
      '192.168.1.5',
      'fd00::/8',
      '172.16.0.0/255.240.0.0',
    ]);
    for (const v of ['true', '*', '10.0.0.0/33', 'lb.internal', '10.0.0.1/8/8']) {
      const msg = bad({ TRUST_PROXY: v });
      expect(msg).toContain('TRUST_PROXY');
      expect(msg.split('\n')).toHaveLength(1);
    }
  });

  it('[SEC8] the abuse budgets are on by default, read as points/duration windows, and off only when set to off', () => {
    const d = parseConfig({}).limits;
    for (const windows of [d.joinPerAddress, d.joinPerEvent, d.connectPerAddress]) expect(windows.length).toBeGreaterThan(0);
    expect(parseConfig({ JOIN_LIMIT_PER_ADDRESS: '50/10s, 300/1h' }).limits.joinPerAddress).toEqual([
      { points: 50, durationS: 10 },
      { points: 300, durationS: 3600 },
    ]);
    expect(parseConfig({ CONNECT_LIMIT_PER_ADDRESS: '10/2m' }).limits.connectPerAddress).toEqual([{ points: 10, durationS: 120 }]);
    expect(parseConfig({ JOIN_LIMIT_PER_EVENT: 'off' }).limits.joinPerEvent).toEqual([]);
    // Set but empty is unset: the defaults, never "no limit".
    expect(parseConfig({ JOIN_LIMIT_PER_EVENT: ' ' }).limits.joinPerEvent).toEqual(d.joinPerEvent);
    for (const [name, v] of [
      ['JOIN_LIMIT_PER_ADDRESS', '500'],
      ['JOIN_LIMIT_PER_EVENT', '0/10s'],
      ['CONNECT_LIMIT_PER_ADDRESS', '10/0s'],
      ['CONNECT_LIMIT_PER_ADDRESS', '10/5d'],
      ['JOIN_LIMIT_PER_ADDRESS', 'none'],
    ] as const) {
      const msg = bad({ [name]: v });
      expect(msg).toContain(name);
      expect(msg.split('\n')).toHaveLength(1);
    }
  });

  it('[REL12] the per-socket caps are on by default, set in bytes and ms, and a disconnect cap below the volatile one is refused', () => {
    const d = parseConfig({}).outbound;
    expect(d.volatileBytes).toBeGreaterThan(0);
    expect(d.limitBytes).toBeGreaterThanOrEqual(d.volatileBytes);
    expect(d.stallMs).toBeGreaterThan(0);
    expect(parseConfig({ OUTBOUND_VOLATILE_LIMIT_BYTES: '65536', OUTBOUND_LIMIT_BYTES: '262144', OUTBOUND_STALL_MS: '5000' }).outbound).toEqual({ volatileBytes: 65536, limitBytes: 262144, stallMs: 5000 });
    for (const env of [{ OUTBOUND_LIMIT_BYTES: 'lots' } as Record<string, string>, { OUTBOUND_VOLATILE_LIMIT_BYTES: '0' }, { OUTBOUND_STALL_MS: '-1' }, { OUTBOUND_VOLATILE_LIMIT_BYTES: '200000', OUTBOUND_LIMIT_BYTES: '100000' }]) {
      const msg = bad(env);
      expect(msg).toMatch(/OUTBOUND_/);
      expect(msg.split('\n')).toHaveLength(1);
    }
  });
  it('[CLU25] REDIS_URL names one Redis (redis://, rediss://) or any node of a Redis Cluster (redis+cluster://, rediss+cluster://)', () => {
    const keys = { SECRET: 'x'.repeat(32), ADMIN_TOKEN: 'y'.repeat(16) };
    for (const url of ['redis://10.0.0.5:6379', 'rediss://:pw@10.0.0.5:6380', 'redis+cluster://10.0.0.5:7000', 'rediss+cluster://user:pw@redis.internal:7000']) {
      expect(parseConfig({ ...keys, REDIS_URL: url }).redisUrl).toBe(url);
    }
    expect(parseRedisUrl('redis+cluster://10.0.0.5:7000')).toEqual({ cluster: true, url: 'redis://10.0.0.5:7000' });
    expect(parseRedisUrl('rediss+cluster://u:p@h:7000')).toEqual({ cluster: true, url: 'rediss://u:p@h:7000' });
    expect(parseRedisUrl('redis://h:6379')).toEqual({ cluster: false, url: 'redis://h:6379' });
    expect(bad({ ...keys, REDIS_URL: 'redis+sentinel://h:26379' })).toContain('REDIS_URL');
  });
  it('[OPS32] [OPS34] the drain: a 5 s window in cluster mode and none embedded, a deadline longer than the window, both in ms', () => {
    const cluster = { REDIS_URL: 'redis://localhost:6390', SECRET: 'x'.repeat(32), ADMIN_TOKEN: 'y'.repeat(16) };
    expect(parseConfig({}).drain.windowMs).toBe(0);
    const d = parseConfig(cluster).drain;
    expect(d.windowMs).toBe(5000);
    expect(d.timeoutMs).toBeGreaterThan(d.windowMs);
    expect(parseConfig({ ...cluster, DRAIN_WINDOW_MS: '2000', DRAIN_TIMEOUT_MS: '4000' }).drain).toEqual({ windowMs: 2000, timeoutMs: 4000 });
    for (const env of [{ DRAIN_WINDOW_MS: 'soon' } as Record<string, string>, { DRAIN_TIMEOUT_MS: '-5' }, { DRAIN_WINDOW_MS: '10000' }, { DRAIN_WINDOW_MS: '3000', DRAIN_TIMEOUT_MS: '3000' }]) {
      const msg = bad(env);
      expect(msg).toMatch(/DRAIN_/);
      expect(msg.split('\n')).toHaveLength(1);
    }
  });
});
