import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { io as ioc } from 'socket.io-client';
import { ErrorCode, PROTOCOL_VERSION } from '@rally/shared';
import { TEST_ADMIN, startTestServer, type TestServer } from '../helpers/test-server.js';

let s: TestServer;
let eventId: string;
beforeAll(async () => {
  s = await startTestServer();
  eventId = (await s.createEvent()).event.id;
});
afterAll(() => s.close());

const CODES = new Set<string>(Object.values(ErrorCode));
const RUNS = 30;

describe('[SEC35] fuzzing the other ways in', () => {
  it('handshake auth: any JSON as the auth payload is a typed connect error, never INTERNAL', async () => {
    const auth = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.record({ token: fc.jsonValue({ maxDepth: 1 }), protocolVersion: fc.oneof(fc.constant(PROTOCOL_VERSION), fc.jsonValue({ maxDepth: 0 })) }, { requiredKeys: [] }),
    );
    await fc.assert(
      fc.asyncProperty(auth, async (a) => {
        const data = await new Promise<{ code?: string } | undefined>((resolve, reject) => {
          // Socket.IO sends only an object as auth; anything else is what a hand-made client could send in its place.
          const socket = ioc(s.url, { auth: (typeof a === 'object' && a !== null && !Array.isArray(a) ? a : { token: a }) as Record<string, unknown>, transports: ['websocket'], forceNew: true, reconnection: false });
          socket.on('connect', () => {
            socket.disconnect();
            reject(new Error('a fuzzed handshake was accepted'));
          });
          socket.on('connect_error', (err: Error & { data?: { code: string } }) => {
            socket.disconnect();
            resolve(err.data);
          });
        });
        expect(CODES.has(data?.code ?? ''), JSON.stringify(data)).toBe(true);
        expect(data?.code).not.toBe(ErrorCode.INTERNAL);
      }),
      { numRuns: RUNS, seed: 17_2026 },
    );
  });

  it('REST bodies: any JSON sent to every writing route is a typed 4xx (or applied), never a 500', async () => {
    const routes: [string, string][] = [
      ['POST', '/api/join'],
      ['POST', '/api/events'],
      ['PATCH', `/api/events/${eventId}`],
      ['PUT', `/api/events/${eventId}/agenda`],
      ['PATCH', `/api/events/${eventId}/engagement/settings`],
      ['PUT', `/api/events/${eventId}/engagement/webhook`],
      ['PUT', `/api/events/${eventId}/survey`],
      ['POST', `/api/events/${eventId}/quizzes`],
      ['POST', `/api/events/${eventId}/quizzes/import`],
      ['PUT', `/api/events/${eventId}/roster`],
    ];
    for (const [method, path] of routes) {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (body) => {
          const res = await fetch(s.url + path, { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN}` } });
          const text = await res.text();
          expect(res.status, `${method} ${path} ${text}`).toBeLessThan(500);
          if (res.status >= 400) {
            const code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
            expect(CODES.has(code ?? ''), `${method} ${path} ${text}`).toBe(true);
          }
        }),
        { numRuns: RUNS, seed: 17_2026 },
      );
    }
    expect((await s.api('/readyz')).status).toBe(200);
  });
});
