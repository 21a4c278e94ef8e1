import { describe, expect, it } from 'vitest';
import { createOutboundBudget, judge, type OutboundConn } from './outbound-budget.js';

const limits = { volatileBytes: 100, limitBytes: 1000, stallMs: 5000 };

/** An engine.io connection as the budget reads it: its write queue and its WebSocket's unsent bytes. */
function conn(unsent = 0): OutboundConn & { unsent(n: number): void; flush(): void } {
  const ws = { _socket: { writableLength: unsent }, _sender: { _bufferedBytes: 0 } };
  const c = {
    writeBuffer: [] as { data?: unknown }[],
    transport: { socket: ws },
    unsent: (n: number) => void (ws._socket.writableLength = n),
    // engine.io hands its queue to the transport and starts a new array.
    flush() {
      ws._socket.writableLength += c.writeBuffer.reduce((n, p) => n + String(p.data).length, 0);
      c.writeBuffer = [];
    },
  };
  return c;
}

describe('the per-socket cap', () => {
  it('[REL11] [REL12] under the volatile cap everything is written; over it volatile facts are dropped; over the limit, or over the volatile cap for the stall time, the socket is cut off', () => {
    expect(judge(limits, 100, true, undefined, 0)).toBe('write');
    expect(judge(limits, 101, false, 0, 0)).toBe('write');
    expect(judge(limits, 101, true, 0, 0)).toBe('drop');
    expect(judge(limits, 1001, false, 0, 0)).toBe('disconnect');
    expect(judge(limits, 101, false, 0, 4999)).toBe('write');
    expect(judge(limits, 101, false, 0, 5000)).toBe('disconnect');
  });

  it('[REL10] counts both engine.io\'s queue and the WebSocket\'s unsent bytes, each packet once', () => {
    const budget = createOutboundBudget(limits);
    const c = conn(30);
    expect(budget.queuedBytes(c)).toBe(30);
    c.writeBuffer.push({ data: 'x'.repeat(20) }, { data: Buffer.alloc(10) });
    expect(budget.queuedBytes(c)).toBe(60);
    c.writeBuffer.push({ data: 'y'.repeat(5) });
    expect(budget.queuedBytes(c)).toBe(65);
    // Flushed: the same bytes, now the WebSocket's; the new queue is counted from nothing.
    c.flush();
    expect(budget.queuedBytes(c)).toBe(65);
    c.writeBuffer.push({ data: 'z'.repeat(7) });
    c.unsent(0);
    expect(budget.queuedBytes(c)).toBe(7);
  });

  it('[REL11] [REL12] a socket that catches up is treated afresh; one that is cut off is cut once and then gets nothing', () => {
    let now = 0;
    const budget = createOutboundBudget(limits, () => now);
    const c = conn(500);
    expect(budget.admit(c, true)).toBe('drop');
    now = 4000;
    c.unsent(0);
    expect(budget.admit(c, true)).toBe('write');
    // Over again: the stall time counts from now, not from the first time.
    c.unsent(500);
    now = 6000;
    expect(budget.admit(c, false)).toBe('write');
    now = 11_000;
    expect(budget.admit(c, false)).toBe('disconnect');
    expect(budget.admit(c, false)).toBe('drop');
    expect(budget.stats()).toEqual({ droppedVolatile: 1, disconnected: 1 });
  });

  it('[REL12] a connection\'s own first snapshot is not counted against it until it has caught up once; a second one is', () => {
    const budget = createOutboundBudget(limits);
    const c = conn(900);
    budget.noteSnapshot(c);
    // 900 queued, all of it the snapshot: only what follows it counts (50, then 600, then 1100).
    c.unsent(950);
    expect(budget.admit(c, true)).toBe('write');
    c.unsent(1500);
    expect(budget.admit(c, true)).toBe('drop');
    expect(budget.admit(c, false)).toBe('write');
    // Another snapshot (a reply to snapshot:request) gets no allowance of its own.
    budget.noteSnapshot(c);
    c.unsent(2000);
    expect(budget.admit(c, false)).toBe('disconnect');

    const d = conn(900);
    budget.noteSnapshot(d);
    // Caught up once: the allowance is spent, and the cap applies in full.
    d.unsent(50);
    expect(budget.admit(d, true)).toBe('write');
    d.unsent(1100);
    expect(budget.admit(d, false)).toBe('disconnect');
  });
});
