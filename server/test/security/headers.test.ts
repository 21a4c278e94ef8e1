import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

/** The policy's directives by name. */
const directives = (csp: string) => new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name!, values]));

describe('Content Security Policy', () => {
  it('[SEC41] every response carries helmet\'s policy: scripts only from the origin, no inline scripts, no eval, no framing, no plugins', async () => {
    for (const path of ['/', '/e/ABCDEF/stage', '/healthz', '/api/events/nope/questions.csv']) {
      const res = await fetch(s.url + path);
      await res.arrayBuffer();
      const csp = res.headers.get('content-security-policy');
      expect(csp, path).toBeTruthy();
      const d = directives(csp!);
      const scripts = d.get('script-src') ?? d.get('default-src')!;
      expect(scripts, path).toEqual(["'self'"]);
      expect(d.get('script-src-attr'), path).toEqual(["'none'"]);
      expect(d.get('object-src'), path).toEqual(["'none'"]);
      expect(d.get('frame-ancestors'), path).toEqual(["'self'"]);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });
});
