import { describe, expect, it } from 'vitest';
import { writeFrameIfIdle } from './shared-frame-fanout.js';

function conn(over: { readyState?: string; upgrading?: boolean; queued?: number; name?: string; writable?: boolean; wsState?: number } = {}) {
  const frames: Buffer[][] = [];
  return {
    frames,
    conn: {
      readyState: over.readyState ?? 'open',
      upgrading: over.upgrading ?? false,
      writeBuffer: Array.from({ length: over.queued ?? 0 }),
      transport: {
        name: over.name ?? 'websocket',
        writable: over.writable ?? true,
        socket: { readyState: over.wsState ?? 1, _sender: { sendFrame: (list: Buffer[]) => void frames.push(list) } },
      },
    },
  };
}

const frame = [Buffer.from([0x81, 3]), Buffer.from('4hi')];

describe('writeFrameIfIdle', () => {
  it('[PROTO12] writes the shared frame to an open, idle WebSocket', () => {
    const c = conn();
    expect(writeFrameIfIdle(c.conn, frame)).toBe(true);
    expect(c.frames).toEqual([frame]);
  });

  it.each([
    ['a socket with packets queued in engine.io (they must go first)', { queued: 1 }],
    ['a transport still writing its last send', { writable: false }],
    ['an HTTP long-polling transport', { name: 'polling' }],
    ['a transport being upgraded', { upgrading: true }],
    ['a closing engine.io socket', { readyState: 'closing' }],
    ['a WebSocket that is no longer open', { wsState: 2 }],
  ])('[PROTO12] leaves %s to Socket.IO', (_what, over) => {
    const c = conn(over);
    expect(writeFrameIfIdle(c.conn, frame)).toBe(false);
    expect(c.frames).toEqual([]);
  });
});
