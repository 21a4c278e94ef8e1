import type { Clock } from '../clock.js';
import type { StageServices } from '../domain/stage/deps.js';
import { roomCodeSlot } from '../domain/stage/room-code.js';
import { roomCodeInfo } from '../domain/stage/view.js';
import type { Log } from '../log.js';
import type { Store } from '../store/store.js';
import { rooms, type RallyServer } from './publisher.js';
import { startLoop } from './ticker.js';

export interface RoomCodeTicker {
  /** One pass now (tests); the timer calls the same. */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

const SCREEN_ROOM = /^ev:([^:]+):screen$/;

/**
 * [STAGE11] Tells this node's stage screens the new room code when the minute turns. Every node
 * derives the same code, so each one serves its own screens (io.local) and nothing crosses the
 * adapter. The minute is read from the injected clock on a short interval rather than from a timer
 * aimed at the boundary, so a fake clock in tests (or a clock step) is picked up within a check.
 * A screen connecting mid-minute has the code in its snapshot.
 */
export function startRoomCodeTicker(
  io: RallyServer,
  deps: { store: Pick<Store, 'getEvent'>; clock: Clock; stage: Pick<StageServices, 'roomCodes' | 'publicUrl'>; log: Log },
  opts: { checkIntervalMs?: number } = {},
): RoomCodeTicker {
  // Per event, the minute this node last announced. Only a cache of our own emissions.
  const announced = new Map<string, number>();

  const checkIntervalMs = opts.checkIntervalMs ?? 1000;

  const tick = async () => {
    const now = deps.clock.now();
    const slot = roomCodeSlot(now);
    const events = new Set<string>();
    for (const room of io.of('/').adapter.rooms.keys()) {
      const m = SCREEN_ROOM.exec(room);
      if (m) events.add(m[1]!);
    }
    for (const eventId of announced.keys()) if (!events.has(eventId)) announced.delete(eventId);
    await Promise.all(
      [...events].map(async (eventId) => {
        // A screen seen for the first time connected at most one check ago, and its snapshot had
        // the code of that moment: if the minute turned since, it is told now.
        const last = announced.get(eventId) ?? roomCodeSlot(now - checkIntervalMs);
        if (last === slot) return void announced.set(eventId, slot);
        announced.set(eventId, slot);
        try {
          const event = await deps.store.getEvent(eventId);
          if (event) io.local.to(rooms.role(eventId, 'screen')).emit('stage:roomCodeRotated', roomCodeInfo(deps, event));
        } catch (err) {
          deps.log.warn({ err, eventId }, 'room code rotation failed');
        }
      }),
    );
  };

  return { tick, ...startLoop(checkIntervalMs, tick) };
}
