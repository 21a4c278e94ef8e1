import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';

const bad = (env: Record<string, string>) => {
  try {
    parseConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('configuration', () => {
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

  it('[CFG7] LOG_LEVEL defaults to warn on a terminal and info in production; a set value wins', () => {
    expect(parseConfig({}).logLevel).toBe('warn');
    expect(parseConfig({ NODE_ENV: 'production' }).logLevel).toBe('info');
    expect(parseConfig({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(parseConfig({ NODE_ENV: 'production', LOG_LEVEL: 'error' }).logLevel).toBe('error');
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
});
