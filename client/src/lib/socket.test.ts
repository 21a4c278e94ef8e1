import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@rally/shared';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import { commandRetryDelayMs, followDrain, handshakeError, handshakeRetryDelayMs, send, type RallySocket } from './socket';

describe('retrying a refused handshake', () => {
  it('[SEC9] a RATE_LIMITED refusal carries retryAfterMs to the client, which waits at least that long', () => {
    const refusal = handshakeError(Object.assign(new Error('x'), { data: { code: ErrorCode.RATE_LIMITED, message: 'Too many connections', retryAfterMs: 8000 } }));
    expect(refusal).toEqual({ code: ErrorCode.RATE_LIMITED, message: 'Too many connections', retryAfterMs: 8000 });
    for (const r of [0, 0.5, 0.999]) {
      const delay = handshakeRetryDelayMs(0, refusal, () => r);
      expect(delay).toBeGreaterThanOrEqual(8000);
      // The random share is at most half the wait.
      expect(delay).toBeLessThanOrEqual(12_000);
    }
    // Clients drawing different numbers come back at different times.
    expect(handshakeRetryDelayMs(0, refusal, () => 0.1)).not.toBe(handshakeRetryDelayMs(0, refusal, () => 0.9));
    // The backoff still grows when the server's wait is short.
    expect(handshakeRetryDelayMs(4, { code: ErrorCode.RATE_LIMITED, message: 'm', retryAfterMs: 100 }, () => 0)).toBe(15_000);
  });

  it('[SEC9] other refusals keep the capped exponential backoff', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => handshakeRetryDelayMs(n, null))).toEqual([1000, 2000, 4000, 8000, 15_000, 15_000]);
    expect(handshakeRetryDelayMs(1, { code: ErrorCode.UNAVAILABLE, message: 'm' })).toBe(2000);
  });
});

describe('[REL7] retrying a command the server could not complete', () => {
  it('[REL7] UNAVAILABLE with retryAfterMs is retried with the same command id after waiting, and the caller hears "retrying" until it settles', async () => {
    // A real Socket.IO server standing in for Rally while its store is down: the first two
    // attempts are answered UNAVAILABLE, the third is applied.
    const http = createServer();
    const server = new Server(http);
    const seen: { id: string; at: number }[] = [];
    server.on('connection', (s) =>
      s.on('question:submit', (payload: { id: string }, reply: (a: unknown) => void) => {
        seen.push({ id: payload.id, at: Date.now() });
        reply(seen.length < 3 ? { ok: false, error: { code: ErrorCode.UNAVAILABLE, message: 'store down', retryAfterMs: 200 } } : { ok: true, data: { applied: payload.id } });
      }),
    );
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const { port } = http.address() as AddressInfo;
    const client: RallySocket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true });
    try {
      await new Promise<void>((r) => client.once('connect', () => r()));
      const states: boolean[] = [];
      const ack = await send(client, 'question:submit', { text: 'Will the retry apply once?', anonymous: false }, { onRetrying: (on) => states.push(on), random: () => 0 });
      expect(ack.ok).toBe(true);
      expect(seen).toHaveLength(3);
      expect(new Set(seen.map((s) => s.id)).size).toBe(1);
      // Never before the server's retryAfterMs.
      for (let i = 1; i < seen.length; i++) expect(seen[i]!.at - seen[i - 1]!.at).toBeGreaterThanOrEqual(190);
      expect(states).toEqual([true, false]);
    } finally {
      client.disconnect();
      await new Promise((r) => server.close(() => r(undefined)));
    }
  });

  it('[REL7] other refusals, and UNAVAILABLE without retryAfterMs, are returned at once', async () => {
    expect(commandRetryDelayMs(0, 1000, () => 0)).toBe(1000);
    expect(commandRetryDelayMs(5, 1000, () => 0)).toBe(8000);
    expect(commandRetryDelayMs(1, 100, () => 1)).toBe(1250);
    const http = createServer();
    const server = new Server(http);
    let calls = 0;
    server.on('connection', (s) =>
      s.on('question:submit', (_p: unknown, reply: (a: unknown) => void) => {
        calls++;
        reply({ ok: false, error: { code: calls === 1 ? ErrorCode.INVALID_STATE : ErrorCode.UNAVAILABLE, message: 'no' } });
      }),
    );
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const { port } = http.address() as AddressInfo;
    const client: RallySocket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true });
    try {
      await new Promise<void>((r) => client.once('connect', () => r()));
      const fields = { text: 'Refused?', anonymous: false };
      expect(await send(client, 'question:submit', fields)).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_STATE } });
      expect(await send(client, 'question:submit', fields)).toMatchObject({ ok: false, error: { code: ErrorCode.UNAVAILABLE } });
      expect(calls).toBe(2);
    } finally {
      client.disconnect();
      await new Promise((r) => server.close(() => r(undefined)));
    }
  });
});

describe('[OPS35] leaving a node that drains', () => {
  it('[OPS35] after reconnectInMs, and once the command in flight is acked, the client drops the connection and Socket.IO reconnects by itself; a command cut off is sent again with its id', async () => {
    // A real Socket.IO server standing in for a draining node (and, after the reconnection, for the
    // node the load balancer picks): the first vote is acked late, after the drain's delay.
    const http = createServer();
    const server = new Server(http);
    const connectedAt: number[] = [];
    const votes: { id: string; conn: number }[] = [];
    let toldAt = 0;
    server.on('connection', (s) => {
      const conn = connectedAt.push(Date.now());
      s.on('poll:vote', (payload: { id: string }, reply: (a: unknown) => void) => {
        votes.push({ id: payload.id, conn });
        if (conn === 1 && votes.length === 1) {
          toldAt = Date.now();
          s.emit('server:drainStarted', { reconnectInMs: 150, message: 'restarting' });
          // Acked after the delay: the client must wait for it before it leaves.
          setTimeout(() => reply({ ok: true, data: { first: true } }), 400);
        } else if (conn === 1) {
          // Never acked: the connection goes first, and the vote is sent again on the next one.
        } else reply({ ok: true, data: { conn } });
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const { port } = http.address() as AddressInfo;
    const client: RallySocket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 100 });
    const unfollow = followDrain(client);
    try {
      await new Promise<void>((r) => client.once('connect', () => r()));
      const left = new Promise<number>((r) => client.once('disconnect', () => r(Date.now())));
      const first = await send(client, 'poll:vote', { pollId: 'p1', vote: { kind: 'single', optionId: 'o1' } });
      expect(first).toEqual({ ok: true, data: { first: true } });
      // The second is sent while the connection is still up and is cut off by the leave.
      const second = send(client, 'poll:vote', { pollId: 'p2', vote: { kind: 'single', optionId: 'o2' } });
      const leftAt = await left;
      expect(leftAt - toldAt).toBeGreaterThanOrEqual(390);
      expect(await second).toEqual({ ok: true, data: { conn: 2 } });
      expect(connectedAt).toHaveLength(2);
      expect(client.connected).toBe(true);
      // The vote cut off reached the second connection with the id it had on the first.
      const p2 = votes.slice(1);
      expect(p2.map((v) => v.conn)).toEqual([1, 2]);
      expect(p2[0]!.id).toBe(p2[1]!.id);
    } finally {
      unfollow();
      client.disconnect();
      await new Promise((r) => server.close(() => r(undefined)));
    }
  });
});
