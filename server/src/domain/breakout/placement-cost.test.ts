import { afterEach, describe, expect, it, vi } from 'vitest';
import { RoundDraft, type MyBreakout, type Participant, type RoundDraftInput } from '@rally/shared';
import { pollKit, type PollKit } from '../../../test/helpers/domain-kit.js';
import { createRound, openRound } from './rounds.js';
import { breakoutRoomOnConnect, chooseRoom } from './placement.js';

// [BRK64] What one person's placement reads: the rooms and people it touched, not the whole event.

let k: PollKit;
afterEach(() => k.close());

async function setup(n: number, over: Partial<RoundDraftInput>) {
  k = await pollKit();
  const people: Participant[] = [];
  for (let i = 0; i < n; i++) people.push(await k.person({ name: `P${i}`, mode: 'remote' }));
  await k.person({ role: 'moderator', name: 'Mo' });
  const round = await createRound(k.deps, k.event.id, null, RoundDraft.parse({ title: 'Clinic', durationSec: 600, audience: 'everyone', ...over }));
  return { people, round };
}

const rooms = (n: number, capacity: number) => Array.from({ length: n }, (_, i) => ({ id: `r${i}`, name: `Room ${i}`, capacity }));

describe('breakout placement cost', () => {
  it('[BRK64] [BRK24] [BRK17] many attendees choosing at once: each answer and place names their room-mates in member order, staff\'s occupancy is read once per burst, not once per person, and its last fact holds everyone', async () => {
    const { people, round } = await setup(40, { strategy: { kind: 'selfSelect' }, rooms: rooms(4, 10) });
    await openRound(k.deps, k.event.id, round.id);
    k.publish.clear();
    const wholeAssignments = vi.spyOn(k.store, 'listAssignments');
    const everyone = vi.spyOn(k.store, 'listParticipants');
    const answers = await Promise.all(people.map((p, i) => chooseRoom(k.deps, k.event.id, p.id, round.id, `r${i % 4}`)));

    // Whole-event reads: only staff's occupancy, shared by the burst (the first, then one behind it).
    expect(wholeAssignments.mock.calls.length).toBeLessThanOrEqual(2);
    expect(everyone.mock.calls.length).toBeLessThanOrEqual(2);
    const final = await k.store.listAssignments(round.id);
    const occupancy = k.publish.of('breakout:occupancyChanged');
    expect(occupancy.length).toBeLessThanOrEqual(2);
    expect(occupancy.at(-1)!.payload.rooms.r1!.assigned).toEqual([...final].filter(([, r]) => r === 'r1').map(([p]) => p));

    const nameOf = new Map(people.map((p) => [p.id, p.name]));
    const check = (who: string, mine: MyBreakout) => {
      const room = final.get(who)!;
      const inOrder = [...final].filter(([, r]) => r === room).map(([p]) => p);
      expect(mine.roomId).toBe(room);
      // Room-mates as they stood then: a prefix of the final member order (people only joined), with names.
      expect(mine.members.map((m) => m.id)).toEqual(inOrder.slice(0, mine.members.length));
      expect(mine.members.map((m) => m.id)).toContain(who);
      expect(mine.members.every((m) => m.name === nameOf.get(m.id))).toBe(true);
    };
    answers.forEach((mine, i) => check(people[i]!.id, mine));
    // Everyone's latest place (their own and the room-mates' who chose after them) is the room as it ended.
    for (const p of people) {
      const last = k.publish.of('breakout:assigned').filter((f) => f.target === p.id).at(-1)!.payload;
      check(p.id, last);
      expect(last.members).toHaveLength([...final.values()].filter((r) => r === final.get(p.id)).length);
    }
  });

  it('[BRK64] [BRK15] a choice reads the members of the rooms it touched and the names of just those people; only the chooser\'s sockets move', async () => {
    const { people, round } = await setup(8, { strategy: { kind: 'selfSelect' }, rooms: rooms(3, 5) });
    await openRound(k.deps, k.event.id, round.id);
    for (const [i, p] of people.slice(0, 6).entries()) await chooseRoom(k.deps, k.event.id, p.id, round.id, `r${i % 3}`);
    const members = vi.spyOn(k.store, 'roomMembers');
    const named = vi.spyOn(k.store, 'getParticipants');
    // people[6] joins r1 (with people[1] and people[4]); then people[1] moves from r1 to r2.
    await chooseRoom(k.deps, k.event.id, people[6]!.id, round.id, 'r1');
    expect(members.mock.calls.at(-1)![1]).toEqual(['r1']);
    expect(new Set(named.mock.calls.at(-1)![1])).toEqual(new Set([people[1]!.id, people[4]!.id, people[6]!.id]));
    k.publish.clear();
    const moved = await chooseRoom(k.deps, k.event.id, people[1]!.id, round.id, 'r2');
    // Only the chooser's sockets change rooms; the room-mates of both rooms just hear their new line-up.
    expect(k.publish.breakoutMoves.map((m) => [m.participantId, m.roomId])).toEqual([[people[1]!.id, 'r2']]);
    expect(new Set(k.publish.of('breakout:assigned').map((f) => f.target))).toEqual(new Set([people[4]!.id, people[6]!.id, people[2]!.id, people[5]!.id, people[1]!.id]));
    expect(new Set(members.mock.calls.at(-1)![1])).toEqual(new Set(['r1', 'r2']));
    expect(new Set(named.mock.calls.at(-1)![1])).toEqual(new Set([people[4]!.id, people[6]!.id, people[2]!.id, people[5]!.id, people[1]!.id]));
    expect(moved.members.map((m) => m.name)).toEqual(['P2', 'P5', 'P1']);
    // The room left behind hears its new line-up.
    const left = k.publish.of('breakout:assigned').filter((f) => f.target === people[4]!.id).at(-1)!.payload;
    expect(left.members.map((m) => m.name)).toEqual(['P4', 'P6']);
  });

  it('[BRK64] [BRK33] a late joiner goes to the smallest room with space from the rooms\' head counts, without reading every assignment for it', async () => {
    const { people, round } = await setup(6, { strategy: { kind: 'manual' }, rooms: rooms(3, 2) });
    await k.store.setAssignments(round.id, new Map([[people[0]!.id, 'r0'], [people[1]!.id, 'r0'], [people[2]!.id, 'r1']]));
    await openRound(k.deps, k.event.id, round.id);
    const counts = vi.spyOn(k.store, 'roomCounts');
    const named = vi.spyOn(k.store, 'getParticipants');
    expect((await breakoutRoomOnConnect(k.deps, people[3]!))!.roomId).toBe('r2');
    expect(counts).toHaveBeenCalledTimes(1);
    expect(named.mock.calls.at(-1)![1]).toEqual([people[3]!.id]);
    // r1 and r2 now hold one each: the first in the round's order wins the tie; then r2; then all full.
    expect((await breakoutRoomOnConnect(k.deps, people[4]!))!.roomId).toBe('r1');
    expect(new Set(named.mock.calls.at(-1)![1])).toEqual(new Set([people[2]!.id, people[4]!.id]));
    expect((await breakoutRoomOnConnect(k.deps, people[5]!))!.roomId).toBe('r2');
    const extra = await k.person({ mode: 'remote' });
    expect((await breakoutRoomOnConnect(k.deps, extra))!.roomId).toBeNull();
  });
});
