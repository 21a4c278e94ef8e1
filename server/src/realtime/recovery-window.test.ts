import { describe, expect, it } from 'vitest';
import { compareIds, nextId, RecoveryWindow, type RawEntry, type Replayable } from './recovery-window.js';
import { broadcastDecoder, shouldReplay } from './streams-adapter.js';

/** An in-memory stream with XRANGE's semantics, counting reads and decodes. */
function fakeStream() {
  const entries: RawEntry[] = [];
  let ms = 1_700_000_000_000;
  const stats = { ranges: 0, decodes: 0 };
  const add = (event: string, rooms: string[] = [], extra: { volatile?: boolean; type?: string; nsp?: string } = {}) => {
    const id = `${ms++}-0`;
    const data = JSON.stringify({ packet: { type: 2, data: [event, { n: entries.length }], nsp: '/' }, opts: { rooms, except: [], flags: extra.volatile ? { volatile: true } : {} } });
    entries.push({ id, message: { uid: 'node', nsp: extra.nsp ?? '/', type: extra.type ?? '3', data } });
    return id;
  };
  const range = async (start: string, end: string, count: number) => {
    stats.ranges++;
    // Read when the command is issued, as Redis does; the reply arrives later.
    const reply = entries.filter((e) => compareIds(e.id, start) >= 0 && (end === '+' || compareIds(e.id, end) <= 0)).slice(0, count);
    await Promise.resolve();
    return reply;
  };
  const decode = (raw: Record<string, string>) => {
    stats.decodes++;
    return { data: JSON.parse(raw.data!) as never };
  };
  return { entries, add, range, decode, stats };
}

const names = (rs: readonly Replayable[]) => rs.map((r) => r.data[0]);

describe('recovery window', () => {
  it('[CLU4] stream ids compare numerically and nextId is the next possible id', () => {
    expect(compareIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareIds('10-2', '10-10')).toBeLessThan(0);
    expect(compareIds('10-3', '10-3')).toBe(0);
    expect(nextId('1700000000000-9')).toBe('1700000000000-10');
  });

  it('[CLU4] many concurrent restores each get exactly the entries after their own offset, in order, from one shared read and one decode per entry', async () => {
    const s = fakeStream();
    const offsets = [s.add('e0')];
    for (let i = 1; i < 50; i++) offsets.push(s.add(`e${i}`));
    const w = new RecoveryWindow({ range: s.range, replayable: broadcastDecoder(s.decode, '/') });
    // 200 sockets whose last packets were spread over the stream, all asking at once.
    const asks = Array.from({ length: 200 }, (_, i) => offsets[i % offsets.length]!);
    const got = await Promise.all(asks.map((o) => w.after(o)));
    got.forEach((rs, i) => {
      const k = offsets.indexOf(asks[i]!);
      expect(names(rs)).toEqual(Array.from({ length: 49 - k }, (_, j) => `e${k + 1 + j}`));
    });
    // The first request reads alone; the 199 queued behind it share the next read.
    expect(s.stats.decodes).toBe(49);
    expect(w.reads).toBeLessThanOrEqual(3);
  });

  it('[CLU4] a request sees every entry added before it was made, even while an earlier read is in flight', async () => {
    const s = fakeStream();
    const start = s.add('a');
    const w = new RecoveryWindow({ range: s.range, replayable: broadcastDecoder(s.decode, '/') });
    const first = w.after(start);
    s.add('b'); // added after the first read was issued
    const second = w.after(start);
    expect(names(await first)).toEqual([]);
    expect(names(await second)).toEqual(['b']);
    s.add('c');
    expect(names(await w.after(start))).toEqual(['b', 'c']);
    expect(s.stats.decodes).toBe(2); // b and c, once each
  });

  it('[CLU4] an offset older than the window reads only the gap in front of it', async () => {
    const s = fakeStream();
    const ids = ['a', 'b', 'c', 'd'].map((n) => s.add(n));
    const w = new RecoveryWindow({ range: s.range, replayable: broadcastDecoder(s.decode, '/') });
    expect(names(await w.after(ids[2]!))).toEqual(['d']);
    expect(names(await w.after(ids[0]!))).toEqual(['b', 'c', 'd']);
    expect(s.stats.decodes).toBe(3);
  });

  it('[CLU4] volatile broadcasts, other namespaces and non-broadcast entries are never replayed; heartbeats are not even parsed', async () => {
    const s = fakeStream();
    const start = s.add('start');
    s.add('reaction:aggregated', ['ev:1'], { volatile: true });
    s.add('heartbeat', [], { type: '2' });
    s.add('other', [], { nsp: '/admin' });
    s.add('kept', ['ev:1']);
    const w = new RecoveryWindow({ range: s.range, replayable: broadcastDecoder(s.decode, '/') });
    expect(names(await w.after(start))).toEqual(['kept']);
    expect(s.stats.decodes).toBe(2); // the volatile one and 'kept'
  });

  it('[CLU4] the window is bounded: past maxEntries the oldest are dropped and read again when asked for', async () => {
    const s = fakeStream();
    const ids = Array.from({ length: 10 }, (_, i) => s.add(`e${i}`));
    const w = new RecoveryWindow({ range: s.range, replayable: broadcastDecoder(s.decode, '/') }, { maxEntries: 3, pageSize: 4 });
    expect(names(await w.after(ids[0]!))).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9']);
    expect(names(await w.after(ids[6]!))).toEqual(['e7', 'e8', 'e9']);
    expect(s.stats.decodes).toBe(9);
    expect(names(await w.after(ids[4]!))).toEqual(['e5', 'e6', 'e7', 'e8', 'e9']);
    expect(s.stats.decodes).toBe(11); // e5 and e6 again, nothing else
  });

  it('[CLU4] a failed read fails every request it serves and the next request starts afresh', async () => {
    const s = fakeStream();
    const start = s.add('a');
    s.add('b');
    let fail = true;
    const w = new RecoveryWindow({
      range: (a, b, c) => (fail ? Promise.reject(new Error('redis down')) : s.range(a, b, c)),
      replayable: broadcastDecoder(s.decode, '/'),
    });
    await expect(Promise.all([w.after(start), w.after(start)])).rejects.toThrow('redis down');
    fail = false;
    expect(names(await w.after(start))).toEqual(['b']);
  });

  it('[CLU4] a stream that outgrows the read bound is refused rather than replayed in part', async () => {
    const s = fakeStream();
    const start = s.add('a');
    for (let i = 0; i < 10; i++) s.add(`e${i}`);
    const w = new RecoveryWindow({ range: s.range, replayable: broadcastDecoder(s.decode, '/') }, { pageSize: 2, maxPages: 3 });
    await expect(w.after(start)).rejects.toThrow(/faster than it can be read/);
  });

  it('[CLU4] replay follows the adapter: in one of the packet rooms (or to all), in none of its exceptions', () => {
    const r = (rooms: string[], except: string[] = []): Replayable => ({ id: '1-0', data: ['x'], rooms: new Set(rooms), except: new Set(except), size: 0 });
    const mine = ['sid1', 'ev:1', 'ev:1:attendee', 'p:1'];
    expect(shouldReplay(mine, r([]))).toBe(true);
    expect(shouldReplay(mine, r(['ev:1']))).toBe(true);
    expect(shouldReplay(mine, r(['ev:1:moderator', 'ev:1:organiser']))).toBe(false);
    expect(shouldReplay(mine, r(['ev:1'], ['p:1']))).toBe(false);
  });
});
