import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { RawJson } from '../domain/raw-json.js';
import { factEmitter } from './publisher.js';
import { installSharedFrameFanout } from './shared-frame-fanout.js';

/*
 * [PERF20] [BRK46] A payload handed over as its JSON text (RawJson: a snapshot's shared part, a
 * personal fact from another node's batch) reaches the client exactly as the object would, with or
 * without the bench's trailing stamp argument.
 */
let server: Server;
let client: Socket;

beforeAll(async () => {
  installSharedFrameFanout();
  const http = createServer();
  server = new Server(http);
  await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
  client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'] });
  await new Promise<void>((done) => client.on('connect', done));
});
afterAll(() => {
  client?.close();
  server?.close();
});

const payload = { roundId: 'r1', roomId: 'alpha', members: [{ id: 'p1', name: 'Zoë "Z" Ł' }], role: null, video: { token: 'a.b.c' } };

describe('facts written from their JSON text', () => {
  it.each([
    ['without stamps', false],
    ['with bench stamps', true],
  ])('arrive as the object would, %s', async (_what, stamps) => {
    const emit = factEmitter(stamps);
    const got: unknown[][] = [];
    client.onAny((...args: unknown[]) => got.push(args));
    emit(server.to(client.id!), 'breakout:assigned', payload);
    emit(server.to(client.id!), 'breakout:assigned', new RawJson(JSON.stringify(payload)));
    await expect.poll(() => got.length).toBe(2);
    client.offAny();
    expect(got[1]![1]).toEqual(got[0]![1]);
    expect(got[1]![1]).toEqual(payload);
    expect(got[0]).toHaveLength(stamps ? 3 : 2);
    expect(got[1]).toHaveLength(stamps ? 3 : 2);
    if (stamps) expect(typeof got[1]![2]).toBe('string');
  });
});
