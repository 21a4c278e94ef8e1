import type { BreakoutRound, RoundStatus } from '@rally/shared';

let seq = 0;

/**
 * A stored-shape breakout round with rooms `north` and `south` (capacity 4), in the status asked
 * for: what the video tests need without running the rounds' lifecycle (that is the rounds' own
 * suite's business). Store it with store.createRound.
 */
export function videoRound(eventId: string, status: RoundStatus, nowMs = Date.now()): BreakoutRound {
  const running = status !== 'draft';
  return {
    id: `vround${Date.now().toString(36)}${++seq}`,
    eventId,
    sessionId: null,
    title: 'Deal clinic',
    durationSec: 600,
    audience: 'everyone',
    strategy: { kind: 'manual' },
    format: { kind: 'open' },
    rooms: [
      { id: 'north', name: 'North', topic: '', capacity: 4, facilitatorId: null },
      { id: 'south', name: 'South', topic: '', capacity: 4, facilitatorId: null },
    ],
    status,
    openedAt: running ? new Date(nowMs).toISOString() : null,
    endsAt: running ? new Date(nowMs + 600_000).toISOString() : null,
    closesAt: null,
    closedAt: null,
    broadcasts: [],
    version: 0,
  };
}
