import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateEventResponse } from '@rally/shared';
import { ioPublisher } from '../../src/realtime/publisher.js';
import { connectClient, startTestServer, type TestClient, type TestServer } from '../helpers/test-server.js';

// [BRK86] A participant's sockets take the moves of a round in the order of the placement numbers
// they were read at, whatever order they arrive in: an opening's move (read before a moderator's
// move, and written over several turns or across nodes) arriving after it is skipped, or the
// sockets would be in both rooms. Driven through the real publisher on a real server's Socket.IO;
// which rooms a socket is in shows in what reaches it through toBreakoutRoom.

let s: TestServer;
let ev: CreateEventResponse;
let ada: TestClient;

beforeAll(async () => {
  s = await startTestServer();
  ev = await s.createEvent();
  ada = await connectClient(s.url, (await s.join({ code: ev.code, name: 'Ada', mode: 'remote' })).token);
});
afterAll(async () => {
  ada.close();
  await s.close();
});

describe('breakout moves in placement-number order', () => {
  it('[BRK86] a move older than the last one a socket took is skipped; an equal or newer one, or one of another round, is taken', async () => {
    const publish = ioPublisher(s.app.io);
    const id = ada.snapshot.me.id;
    const rooms = ['h', 'w', 'x'];
    /** The rooms Ada's socket hears from: a word to each room, then what arrived. */
    const heard = async () => {
      const before = ada.received.length;
      for (const room of rooms) publish.toBreakoutRoom(ev.event.id, room, 'breakout:broadcasted', { roundId: 'rd1', text: room, at: new Date().toISOString() });
      await new Promise((r) => setTimeout(r, 150));
      return ada.received.slice(before).filter((f) => f.fact === 'breakout:broadcasted').map((f) => (f.payload as { text: string }).text);
    };
    const move = (roomId: string | null, leave: string[], roundId: string, seq: number) => publish.placeInBreakoutRooms(ev.event.id, [{ participantId: id, roomId, leave }], [], { roundId, seq });

    // A moderator's move (read at 5) is taken; then the opening's (read at 3, leaving nothing) arrives late: skipped.
    await move('w', rooms, 'rd1', 5);
    await move('h', [], 'rd1', 3);
    expect(await heard()).toEqual(['w']);
    // The same number again (places re-sent from one read) and a newer one are taken.
    await move('w', rooms, 'rd1', 5);
    await move('x', rooms, 'rd1', 6);
    expect(await heard()).toEqual(['x']);
    // The next round starts afresh: its first move has a low number and is taken.
    await move('h', rooms, 'rd2', 1);
    expect(await heard()).toEqual(['h']);
  });
});
