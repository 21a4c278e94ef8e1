import { afterEach, describe, expect, it } from 'vitest';
import type { NewEngagementEntry } from '@rally/shared';
import { createLog } from '../../log.js';
import { MAX_APPEND_BATCH } from '../../store/engagement-store.js';
import { createEngagementRecorder, type EngagementRecorder } from './recorder.js';

const entry = (i: number): NewEngagementEntry => ({ eventId: 'ev1', participantId: `p${i}`, mode: 'room', team: null, sessionId: null, kind: 'voted', at: new Date(Date.UTC(2027, 0, 1) + i).toISOString() });

/** A store whose writes the test releases (or fails) by hand. */
function gatedStore() {
  const calls: { batchId: string; entries: NewEngagementEntry[]; release: () => void; fail: (e: Error) => void }[] = [];
  const stored = new Map<string, NewEngagementEntry[]>();
  return {
    calls,
    stored,
    appendEngagement(batchId: string, entries: readonly NewEngagementEntry[]) {
      return new Promise<void>((resolve, reject) => {
        calls.push({
          batchId,
          entries: [...entries],
          release: () => {
            // Like the real adapters: a batch id already applied changes nothing.
            if (!stored.has(batchId)) stored.set(batchId, [...entries]);
            resolve();
          },
          fail: reject,
        });
      });
    },
  };
}

let ids = 0;
const opts = { intervalMs: 60_000, newBatchId: () => `b${++ids}` };
const log = createLog('silent');
let open: EngagementRecorder[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await r.close().catch(() => undefined);
});

describe('the engagement recorder', () => {
  it('[ENG4] append resolves at once, even while the store has not answered a write', async () => {
    const store = gatedStore();
    const r = createEngagementRecorder(store, log, opts);
    open.push(r);
    await r.append(entry(1));
    const flushing = r.flush();
    expect(store.calls).toHaveLength(1);
    // The store is stuck; appending still does not wait.
    let appended = false;
    await r.append(entry(2)).then(() => (appended = true));
    expect(appended).toBe(true);
    store.calls[0]!.release();
    await flushing;
    expect(r.pending()).toBe(1);
    const rest = r.flush();
    store.calls[1]!.release();
    await rest;
    expect([...store.stored.values()].flat().map((e) => e.participantId)).toEqual(['p1', 'p2']);
  });

  it(`[ENG4] buffered entries go to the store in batches of at most ${MAX_APPEND_BATCH}, in order`, async () => {
    const store = gatedStore();
    const r = createEngagementRecorder(store, log, opts);
    open.push(r);
    for (let i = 0; i < MAX_APPEND_BATCH + 10; i++) await r.append(entry(i));
    const done = r.flush();
    for (let n = 0; n < 2; n++) {
      await new Promise((res) => setImmediate(res));
      store.calls[n]!.release();
    }
    await done;
    expect(store.calls.map((c) => c.entries.length)).toEqual([MAX_APPEND_BATCH, 10]);
    expect([...store.stored.values()].flat().map((e) => e.participantId)).toEqual(Array.from({ length: MAX_APPEND_BATCH + 10 }, (_, i) => `p${i}`));
  });

  it('[ENG4] a failed write is retried with the same batch id, so a write whose reply was lost is stored once', async () => {
    const store = gatedStore();
    const r = createEngagementRecorder(store, log, opts);
    open.push(r);
    await r.append(entry(1));
    const first = r.flush();
    // The store applies the batch but the reply is lost.
    store.stored.set(store.calls[0]!.batchId, store.calls[0]!.entries);
    store.calls[0]!.fail(new Error('connection reset'));
    await expect(first).rejects.toThrow('connection reset');
    await r.append(entry(2));
    const second = r.flush();
    expect(store.calls[1]!.batchId).toBe(store.calls[0]!.batchId);
    store.calls[1]!.release();
    await new Promise((res) => setImmediate(res));
    store.calls[2]!.release();
    await second;
    expect([...store.stored.values()].flat().map((e) => e.participantId)).toEqual(['p1', 'p2']);
    expect(r.pending()).toBe(0);
  });

  it('[ENG4] the timer writes the buffer on its own; close writes what is left and later appends are dropped', async () => {
    const written: NewEngagementEntry[] = [];
    const store = { appendEngagement: async (_id: string, entries: readonly NewEngagementEntry[]) => void written.push(...entries) };
    const r = createEngagementRecorder(store, log, { ...opts, intervalMs: 10 });
    await r.append(entry(1));
    await new Promise((res) => setTimeout(res, 60));
    expect(written).toHaveLength(1);
    await r.append(entry(2));
    await r.close();
    expect(written).toHaveLength(2);
    await r.append(entry(3));
    expect(r.pending()).toBe(0);
  });

  it('[ENG4] while the store is down the buffer is bounded: the oldest entries are dropped', async () => {
    const store = { appendEngagement: async () => Promise.reject(new Error('down')) };
    const r = createEngagementRecorder(store, log, { ...opts, maxBuffered: 5 });
    open.push(r);
    for (let i = 0; i < 8; i++) await r.append(entry(i));
    expect(r.pending()).toBe(5);
  });
});

describe('the engagement recorder, durable with the ack', () => {
  it('[REL22] [ENG4] entries accepted in one turn are written together after it; written() resolves only once they are stored', async () => {
    const store = gatedStore();
    const r = createEngagementRecorder(store, log, opts);
    open.push(r);
    let session!: (e: NewEngagementEntry | null) => void;
    // One entry known at once, one whose session is still being read, one that turns out to be nothing.
    await r.append(entry(1));
    r.hold(new Promise((res) => (session = res)));
    r.hold(Promise.resolve(null));
    let stored = false;
    const written = r.written().then(() => (stored = true));
    await new Promise((res) => setImmediate(res));
    expect(store.calls).toHaveLength(0);
    session(entry(2));
    await new Promise((res) => setImmediate(res));
    expect(store.calls.map((c) => c.entries.map((e) => e.participantId))).toEqual([['p1', 'p2']]);
    expect(stored).toBe(false);
    store.calls[0]!.release();
    await written;
    expect(r.pending()).toBe(0);
    // Nothing accepted since: nothing to wait for.
    await r.written();
  });

  it('[REL22] a failed write fails the acks waiting for it; once a retry stored it, later acks do not wait or fail', async () => {
    const store = gatedStore();
    const r = createEngagementRecorder(store, log, opts);
    open.push(r);
    await r.append(entry(1));
    const waiting = r.written();
    await new Promise((res) => setImmediate(res));
    store.calls[0]!.fail(new Error('down'));
    await expect(waiting).rejects.toThrow('down');
    expect(r.pending()).toBe(1);
    const retry = r.flush();
    store.calls[1]!.release();
    await retry;
    await expect(r.written()).resolves.toBeUndefined();
  });
});
