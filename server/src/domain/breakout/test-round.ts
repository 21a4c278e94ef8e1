// Test data only: a structured round the room tests share.
import { BreakoutRound, type BreakoutFormat } from '@rally/shared';

/** A structured role-play round for the room tests: seller (subject), buyer, observer (scores). */
export const ROLE_PLAY: BreakoutFormat = {
  kind: 'rolePlay',
  roles: [
    { id: 'seller', name: 'Seller', scores: false, brief: 'Sell.' },
    { id: 'buyer', name: 'Buyer', scores: false, brief: 'Push back.' },
    { id: 'observer', name: 'Observer', scores: true, brief: 'Score discovery and closing.' },
  ],
  rotations: 3,
  rubric: [
    { id: 'discovery', label: 'Discovery' },
    { id: 'close', label: 'Closing' },
  ],
};

export const OPENED_AT = Date.UTC(2027, 0, 20, 10);

export function testRound(over: Partial<BreakoutRound> = {}): BreakoutRound {
  return BreakoutRound.parse({
    id: 'round1',
    eventId: 'ev1',
    sessionId: null,
    status: 'open',
    openedAt: new Date(OPENED_AT).toISOString(),
    endsAt: new Date(OPENED_AT + 900_000).toISOString(),
    closesAt: null,
    closedAt: null,
    broadcasts: [],
    version: 2,
    title: 'Discovery role-play',
    durationSec: 900,
    format: ROLE_PLAY,
    rooms: [
      { id: 'room_a', name: 'Room A', capacity: 3 },
      { id: 'room_b', name: 'Room B', capacity: 3 },
      { id: 'room_c', name: 'Room C', capacity: 3 },
    ],
    ...over,
  });
}
