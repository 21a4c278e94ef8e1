import { SessionAwareAdapter } from 'socket.io-adapter';
import { describe, expect, it } from 'vitest';
import { IndexedSessionAdapter } from './indexed-session-adapter.js';

const fakeNsp = () => ({
  name: '/',
  sockets: new Map(),
  server: { opts: { connectionStateRecovery: { maxDisconnectionDuration: 120_000 } }, encoder: { encode: (p: unknown) => [JSON.stringify(p)] } },
});

/** Same broadcasts into the stock adapter and ours; restores must replay the same packets. */
function pair() {
  const stock = new SessionAwareAdapter(fakeNsp());
  const ours = new IndexedSessionAdapter(fakeNsp());
  const ids: Array<[string, string]> = [];
  const emit = (event: string, rooms: string[], except: string[] = [], flags: { volatile?: boolean; local?: boolean } = {}, ack = false) => {
    const mk = () => ({ type: 2, data: [event, { n: ids.length }], ...(ack ? { id: 1 } : {}) });
    const a = mk();
    const b = mk();
    stock.broadcast(a, { rooms: new Set(rooms), except: new Set(except), flags });
    ours.broadcast(b, { rooms: new Set(rooms), except: new Set(except), flags });
    ids.push([String(a.data.at(-1)), String(b.data.at(-1))]);
    return ids.length - 1;
  };
  return { stock, ours, emit, ids };
}

const events = (s: { missedPackets: unknown[][] } | null) => s?.missedPackets.map((d) => d[0]) ?? null;

describe('IndexedSessionAdapter [CLU4, PROTO5]', () => {
  it('replays exactly what the stock session-aware adapter replays, in order', async () => {
    const { stock, ours, emit, ids } = pair();
    const rooms = ['ev:1', 'ev:1:attendee', 'p:a', 'p:b', 'ev:1:moderator', 'ev:2'];
    let x = 7;
    const rnd = (n: number) => (x = (x * 1103515245 + 12345) % 2 ** 31) % n;
    for (let i = 0; i < 400; i++) {
      const to = rnd(5) === 0 ? [] : [rooms[rnd(rooms.length)]!, ...(rnd(3) === 0 ? [rooms[rnd(rooms.length)]!] : [])];
      const except = rnd(6) === 0 ? [rooms[rnd(rooms.length)]!] : [];
      emit(`e${i}`, to, except, rnd(10) === 0 ? { volatile: true } : {}, rnd(15) === 0);
    }
    const sessionRooms = [
      ['sid', 'ev:1', 'ev:1:attendee', 'p:a'],
      ['sid', 'ev:1', 'ev:1:moderator', 'p:b'],
      ['sid', 'ev:2'],
    ];
    for (const [k, sr] of sessionRooms.entries()) {
      for (const at of [0, 13, 200, 390]) {
        const pid = `pid${k}-${at}`;
        stock.persistSession({ sid: 's', pid, rooms: sr, data: { k } });
        ours.persistSession({ sid: 's', pid, rooms: sr, data: { k } });
        const [sOff, oOff] = ids[at]!;
        const a = await stock.restoreSession(pid, sOff);
        const b = await ours.restoreSession(pid, oOff);
        expect(events(b)).toEqual(events(a));
        expect(b?.rooms).toEqual(sr);
        expect(b?.data).toEqual({ k });
      }
    }
    ours.close();
  });

  it('offsets are never all digits [PROTO11], unknown offsets and sessions give null, expired packets go', async () => {
    const { ours, emit, ids } = pair();
    emit('a', []);
    emit('b', ['p:x']);
    expect(ids[0]![1]).not.toMatch(/^[0-9]+$/);
    ours.persistSession({ sid: 's', pid: 'p1', rooms: ['p:x'], data: null });
    expect(await ours.restoreSession('nope', ids[0]![1])).toBeNull();
    expect(await ours.restoreSession('p1', 'zz')).toBeNull();
    expect(events(await ours.restoreSession('p1', ids[0]![1]))).toEqual(['b']);
    ours.expire(Date.now() + 121_000);
    ours.persistSession({ sid: 's', pid: 'p2', rooms: ['p:x'], data: null });
    expect(await ours.restoreSession('p2', ids[0]![1])).toBeNull();
    emit('c', ['p:x']);
    expect(events(await ours.restoreSession('p2', ids[2]![1]))).toEqual([]);
    ours.close();
  });

  it('[PROTO13] node-local broadcasts (snapshots, per-node ticks) are delivered but not kept for recovery', async () => {
    const { ours, emit, ids } = pair();
    emit('a', ['p:x']);
    emit('snapshot', ['p:x'], [], { local: true });
    emit('b', ['p:x']);
    ours.persistSession({ sid: 's', pid: 'p1', rooms: ['p:x'], data: null });
    expect(events(await ours.restoreSession('p1', ids[0]![1]))).toEqual(['b']);
    ours.close();
  });
});
