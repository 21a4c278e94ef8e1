import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BreakoutRound, ChatMessage, Scorecard, Takeaway } from '@rally/shared';
import type { BreakoutRoomStore, BreakoutRoundStore } from '../../src/store/breakout-store.js';
import { ROOM_CHAT_KEEP } from '../../src/store/breakout-rooms-order.js';

// The rules cited as [BSTOREn] are in docs/SPEC.md ("Store: breakouts").

let seq = 0;
const newRound = () => `round_${++seq}`;
const at = (s: number) => new Date(Date.UTC(2026, 0, 20, 10, 0, s)).toISOString();

function message(n: number, text = `hello ${n}`): ChatMessage {
  return { id: `msg_${n}_${++seq}`, authorId: `p${n % 3}`, authorName: 'Ada "the" <b>', authorRole: 'attendee', mode: 'remote', text, censored: false, at: at(n % 60) };
}

function takeaway(roundId: string, roomId: string, text: string, s: number): Takeaway {
  return { roundId, roomId, roomName: `Room ${roomId}`, text, byId: 'p1', byName: 'Ada', at: at(s) };
}

function card(roundId: string, rotation: number, scorerId: string, over: Partial<Scorecard> = {}): Scorecard {
  return { roundId, roomId: 'room_a', rotation, scorerId, subjectId: 'seller', scores: { discovery: 4, close: 2 }, comment: 'Asked great questions, 🙂', at: at(rotation), ...over };
}

type Rooms = BreakoutRoomStore & Pick<BreakoutRoundStore, 'createRound' | 'deleteRound'>;

function draftRound(id: string): BreakoutRound {
  return {
    id,
    eventId: 'ev_rooms',
    sessionId: null,
    status: 'draft',
    openedAt: null,
    endsAt: null,
    closesAt: null,
    closedAt: null,
    broadcasts: [],
    version: 0,
    title: 'Round',
    durationSec: 600,
    audience: 'remote',
    strategy: { kind: 'random' },
    format: { kind: 'open' },
    rooms: [{ id: 'room_a', name: 'A', topic: '', capacity: 3, facilitatorId: null }],
  };
}

/**
 * `rooms` is the store under test; `peer`, when the adapter can have several, a second one on the
 * same data (another node), so races run across connections as they would across nodes.
 */
export function breakoutRoomsContract(name: string, make: () => Promise<{ rooms: Rooms; peer?: Rooms; cleanup: () => Promise<void> }>) {
  describe(`BreakoutRoomStore contract (${name})`, () => {
    let rooms: Rooms;
    let peer: Rooms;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      let other: Rooms | undefined;
      ({ rooms, peer: other, cleanup } = await make());
      peer = other ?? rooms;
    });
    afterEach(async () => {
      await cleanup();
    });

    it('[BSTORE20] a room chat keeps messages in order per room, lists the latest N oldest first, and deletes one', async () => {
      const round = newRound();
      const a = [1, 2, 3, 4].map((n) => message(n));
      for (const m of a) await rooms.addRoomChat(round, 'room_a', m);
      const other = message(9, 'other room');
      await rooms.addRoomChat(round, 'room_b', other);

      expect(await rooms.listRoomChat(round, 'room_a', 10)).toEqual(a);
      expect(await rooms.listRoomChat(round, 'room_a', 2)).toEqual(a.slice(2));
      expect(await rooms.listRoomChat(round, 'room_b', 10)).toEqual([other]);
      expect(await rooms.listRoomChat(newRound(), 'room_a', 10)).toEqual([]);

      expect(await rooms.deleteRoomChat(round, 'room_a', a[1]!.id)).toBe(true);
      expect(await rooms.deleteRoomChat(round, 'room_a', a[1]!.id)).toBe(false);
      // A message id is only found in its own room.
      expect(await rooms.deleteRoomChat(round, 'room_b', a[0]!.id)).toBe(false);
      expect(await rooms.listRoomChat(round, 'room_a', 10)).toEqual([a[0], a[2], a[3]]);
    });

    it('[BSTORE20] a room keeps only its latest messages', async () => {
      const round = newRound();
      const all = Array.from({ length: ROOM_CHAT_KEEP + 5 }, (_, i) => message(i));
      for (const m of all) await rooms.addRoomChat(round, 'room_a', m);
      const kept = await rooms.listRoomChat(round, 'room_a', ROOM_CHAT_KEEP + 100);
      expect(kept).toEqual(all.slice(5));
      expect(await rooms.deleteRoomChat(round, 'room_a', all[0]!.id)).toBe(false);
    });

    it('[BSTORE21] one takeaway per room: a new one replaces the old; other rooms and rounds unaffected', async () => {
      const round = newRound();
      await rooms.setTakeaway(takeaway(round, 'room_a', 'first idea', 1));
      await rooms.setTakeaway(takeaway(round, 'room_b', 'b idea', 2));
      await rooms.setTakeaway(takeaway(round, 'room_a', 'better idea, "quoted"', 3));
      await rooms.setTakeaway(takeaway(newRound(), 'room_a', 'elsewhere', 4));
      const list = await rooms.listTakeaways(round);
      expect(list).toHaveLength(2);
      expect(list.find((t) => t.roomId === 'room_a')?.text).toBe('better idea, "quoted"');
      expect(list.find((t) => t.roomId === 'room_b')?.text).toBe('b idea');
      expect(await rooms.listTakeaways(newRound())).toEqual([]);
    });

    it('[BSTORE22] one scorecard per (round, rotation, scorer): a second is refused and changes nothing', async () => {
      const round = newRound();
      const first = card(round, 0, 'obs');
      expect(await rooms.addScorecard(first)).toBe(true);
      expect(await rooms.addScorecard(card(round, 0, 'obs', { comment: 'changed my mind', scores: { discovery: 1, close: 1 } }))).toBe(false);
      // Another rotation, another scorer, another round: each its own.
      expect(await rooms.addScorecard(card(round, 1, 'obs'))).toBe(true);
      expect(await rooms.addScorecard(card(round, 0, 'buyer'))).toBe(true);
      expect(await rooms.addScorecard(card(newRound(), 0, 'obs'))).toBe(true);
      const list = await rooms.listScorecards(round);
      expect(list).toHaveLength(3);
      expect(list.find((c) => c.rotation === 0 && c.scorerId === 'obs')).toEqual(first);
      expect(list.map((c) => c.rotation)).toEqual([0, 0, 1]);
    });

    it('[BSTORE22] of many racing writers of one (round, rotation, scorer), on two connections where the adapter has several, exactly one is stored', async () => {
      const round = newRound();
      const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? peer : rooms).addScorecard(card(round, 2, 'obs', { comment: `attempt ${i}` }))));
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const stored = await rooms.listScorecards(round);
      expect(stored).toHaveLength(1);
      expect(stored[0]!.comment).toBe(`attempt ${outcomes.indexOf(true)}`);
    });

    it('[BSTORE23] who is in each video call: set and cleared per room, reporting whether it changed', async () => {
      const round = newRound();
      expect(await rooms.setInVideo(round, 'room_a', 'p1', true)).toBe(true);
      expect(await rooms.setInVideo(round, 'room_a', 'p1', true)).toBe(false);
      expect(await rooms.setInVideo(round, 'room_a', 'p2', true)).toBe(true);
      expect(await rooms.setInVideo(round, 'room_b', 'p3', true)).toBe(true);
      expect(await rooms.listInVideo(round)).toEqual(new Map([['room_a', ['p1', 'p2']], ['room_b', ['p3']]]));
      expect(await rooms.setInVideo(round, 'room_a', 'p1', false)).toBe(true);
      expect(await rooms.setInVideo(round, 'room_a', 'p1', false)).toBe(false);
      expect(await rooms.setInVideo(round, 'room_b', 'p2', false)).toBe(false);
      expect(await rooms.listInVideo(round)).toEqual(new Map([['room_a', ['p2']], ['room_b', ['p3']]]));
      expect(await rooms.listInVideo(newRound())).toEqual(new Map());
    });

    it('[BSTORE1] [BSTORE20] deleting a round deletes its room chat, takeaways, scorecards and video presence', async () => {
      const round = newRound();
      await rooms.createRound(draftRound(round));
      await rooms.addRoomChat(round, 'room_a', message(1));
      await rooms.setTakeaway(takeaway(round, 'room_a', 'idea', 1));
      await rooms.addScorecard(card(round, 0, 'obs'));
      await rooms.setInVideo(round, 'room_a', 'p1', true);
      expect(await rooms.deleteRound(round)).toBe(true);
      expect(await rooms.listRoomChat(round, 'room_a', 10)).toEqual([]);
      expect(await rooms.listTakeaways(round)).toEqual([]);
      expect(await rooms.listScorecards(round)).toEqual([]);
      expect(await rooms.listInVideo(round)).toEqual(new Map());
      // The one-per-scorer rule starts afresh: nothing of the deleted round lingers.
      expect(await rooms.addScorecard(card(round, 0, 'obs'))).toBe(true);
    });
  });
}
