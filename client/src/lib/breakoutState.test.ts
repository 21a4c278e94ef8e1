import { describe, expect, it } from 'vitest';
import { BreakoutRound, roundView, type MyBreakout, type Snapshot, type Takeaway } from '@rally/shared';
import {
  breakoutEventFromAck,
  breakoutsFromSnapshot,
  breakoutsInProgress,
  clockText,
  EMPTY_BREAKOUTS,
  memberRoles,
  myRoom,
  needsRoomChoice,
  reduceBreakouts,
  rotationEndsAt,
  rotationSubject,
  roundClock,
  stageTakeaway,
} from './breakoutState';

const T0 = '2026-01-01T09:00:00.000Z';
const at = (sec: number) => new Date(Date.parse(T0) + sec * 1000).toISOString();

function round(over: Partial<BreakoutRound> = {}): BreakoutRound {
  return BreakoutRound.parse({
    id: 'rd1',
    eventId: 'evt1',
    sessionId: null,
    status: 'open',
    openedAt: T0,
    endsAt: at(600),
    closesAt: null,
    closedAt: null,
    broadcasts: [],
    version: 3,
    title: 'Role-play',
    durationSec: 600,
    audience: 'everyone',
    strategy: { kind: 'random' },
    format: {
      kind: 'rolePlay',
      rotations: 3,
      roles: [
        { id: 'seller', name: 'Seller', scores: false, brief: 'Sell the platform.' },
        { id: 'buyer', name: 'Buyer', scores: false, brief: 'You have no budget.' },
        { id: 'observer', name: 'Observer', scores: true, brief: 'Score the seller.' },
      ],
      rubric: [{ id: 'disc', label: 'Discovery' }],
    },
    rooms: [
      { id: 'r1', name: 'Room 1', topic: '', capacity: 3 },
      { id: 'r2', name: 'Room 2', topic: '', capacity: 3 },
    ],
    ...over,
  });
}

/** The room as the attendee's place carries it ([BRK11]): the audience's round view has no rooms list. */
const placeIn = (roomId: string | null): Pick<MyBreakout, 'roomId' | 'room'> => ({
  roomId,
  room: roomId ? { id: roomId, name: `Room ${roomId.slice(1)}`, topic: '', capacity: 3 } : null,
});

const me = (over: Partial<MyBreakout> = {}): MyBreakout => ({
  roundId: 'rd1',
  ...placeIn('r1'),
  members: [
    { id: 'a', name: 'Ana' },
    { id: 'b', name: 'Ben' },
    { id: 'c', name: 'Cy' },
  ],
  role: { id: 'buyer', name: 'Buyer', scores: false, brief: 'You have no budget.' },
  rotation: 0,
  seq: 1,
  ...over,
});

function snapshot(breakouts: Snapshot['breakouts']): Snapshot {
  return {
    serverTime: T0,
    event: { id: 'evt1', code: 'ABCDEF', name: 'SKO', teams: [], agenda: [], liveSessionId: null, settings: { allowAnonymousQuestions: true, moderation: 'pre' }, createdAt: T0 },
    me: { id: 'b', eventId: 'evt1', name: 'Ben', role: 'attendee', mode: 'remote', team: null, banned: false, joinedAt: T0 },
    polls: [],
    myVotes: {},
    stage: { onStage: { slot: { kind: 'idle' }, version: 0, at: T0 }, announcement: null, chat: { messages: [], settings: { slowModeSec: 0 }, banned: false } },
    breakouts,
  } as Snapshot;
}

describe('breakout state', () => {
  it('[BRK70] the snapshot part fills the state; without it the state is empty', () => {
    expect(breakoutsFromSnapshot(snapshot(undefined))).toEqual(EMPTY_BREAKOUTS);
    const s = breakoutsFromSnapshot(snapshot({ round: roundView(round()), me: me(), video: true, chat: [] }));
    expect(s.video).toBe(true);
    expect(s.round?.id).toBe('rd1');
    expect(myRoom(s)?.room.name).toBe('Room 1');
  });

  it('[BRK70] a late copy of a round never replaces a newer one, for staff and the audience', () => {
    let s = reduceBreakouts(EMPTY_BREAKOUTS, { name: 'breakout:roundUpdated', payload: round({ version: 5, status: 'closing' }) });
    expect(reduceBreakouts(s, { name: 'breakout:roundUpdated', payload: round({ version: 4 }) })).toBe(s);
    s = reduceBreakouts(s, { name: 'breakout:roundChanged', payload: roundView(round({ version: 5, status: 'closing' })) });
    expect(reduceBreakouts(s, { name: 'breakout:roundChanged', payload: roundView(round({ version: 2 })) })).toBe(s);
    // Another round replaces the audience's current one.
    s = reduceBreakouts(s, { name: 'breakout:roundChanged', payload: roundView(round({ id: 'rd2', version: 1, status: 'draft' })) });
    expect(s.round?.id).toBe('rd2');
  });

  it('[BRK71] an assignment switches the attendee to their room at once; a null room takes them back to the stage', () => {
    let s = reduceBreakouts(EMPTY_BREAKOUTS, { name: 'breakout:roundChanged', payload: roundView(round()) });
    expect(myRoom(s)).toBeNull();
    s = reduceBreakouts(s, { name: 'breakout:assigned', payload: me(placeIn('r2')) });
    expect(myRoom(s)?.room.id).toBe('r2');
    s = reduceBreakouts(s, { name: 'breakout:assigned', payload: me(placeIn(null)) });
    expect(myRoom(s)).toBeNull();
  });

  it('[BRK85] a place that brings its opened round switches the attendee to their room without a roundChanged; a late copy of the round is ignored', () => {
    let s = reduceBreakouts(EMPTY_BREAKOUTS, { name: 'breakout:roundChanged', payload: roundView(round({ version: 1, status: 'draft' })) });
    expect(myRoom(s)).toBeNull();
    s = reduceBreakouts(s, { name: 'breakout:assigned', payload: { ...me(placeIn('r2')), round: roundView(round({ version: 2 })) } });
    expect(s.round?.status).toBe('open');
    expect(myRoom(s)?.room.id).toBe('r2');
    expect(s.me).not.toHaveProperty('round');
    // The round it brought is not replaced by an older copy arriving after it.
    s = reduceBreakouts(s, { name: 'breakout:roundChanged', payload: roundView(round({ version: 1, status: 'draft' })) });
    expect(s.round?.status).toBe('open');
  });

  it('[BRK86] a place older than the one held (a lower seq, same round) is ignored, its round view still applied; a newer round\'s place always wins', () => {
    let s = reduceBreakouts(EMPTY_BREAKOUTS, { name: 'breakout:roundChanged', payload: roundView(round({ version: 1, status: 'draft' })) });
    // A move's place (read after the move) overtakes the opening's place, which was read before it.
    s = reduceBreakouts(s, { name: 'breakout:assigned', payload: me({ ...placeIn('r2'), seq: 7 }) });
    s = reduceBreakouts(s, { name: 'breakout:assigned', payload: { ...me({ ...placeIn('r1'), seq: 5 }), round: roundView(round({ version: 2 })) } });
    expect(s.me?.roomId).toBe('r2');
    expect(s.round?.status).toBe('open');
    expect(myRoom(s)?.room.id).toBe('r2');
    // Out of every room, newer: taken; then an older place in a room is not.
    s = reduceBreakouts(s, { name: 'breakout:assigned', payload: me({ ...placeIn(null), seq: 8 }) });
    const out = s;
    expect(reduceBreakouts(s, { name: 'breakout:assigned', payload: me({ ...placeIn('r2'), seq: 7 }) })).toBe(out);
    expect(myRoom(s)).toBeNull();
    // The same number again (room-mates' places re-sent from one read): the later one is kept.
    s = reduceBreakouts(s, { name: 'breakout:assigned', payload: me({ ...placeIn('r3'), seq: 8 }) });
    expect(s.me?.roomId).toBe('r3');
    // The next round's place, however low its number, replaces the last round's.
    s = reduceBreakouts(s, { name: 'breakout:assigned', payload: { ...me({ roundId: 'rd2', ...placeIn('r1'), seq: 1 }), round: roundView(round({ id: 'rd2', version: 2 })) } });
    expect(s.me).toMatchObject({ roundId: 'rd2', roomId: 'r1', seq: 1 });
    expect(myRoom(s)?.round.id).toBe('rd2');
  });

  it('[BRK86] a snapshot read before a move keeps the newer place this client already holds (with its room chat); otherwise the snapshot\'s place is taken', () => {
    const view = roundView(round({ version: 2 }));
    const chatLine = { id: 'm1', authorId: 'a', authorName: 'Ana', authorRole: 'attendee', mode: 'remote', text: 'hi', censored: false, at: at(1) } as never;
    let held = reduceBreakouts(EMPTY_BREAKOUTS, { name: 'breakout:assigned', payload: { ...me({ ...placeIn('r2'), seq: 7 }), round: view } });
    held = reduceBreakouts(held, { name: 'breakout:chatPosted', payload: { roundId: 'rd1', roomId: 'r2', message: chatLine } as never });
    const snap = (seq: number) => ({ breakouts: { video: false, round: view, me: me({ ...placeIn('r1'), seq }), chat: [] } }) as unknown as Snapshot;
    const stale = breakoutsFromSnapshot(snap(5), held);
    expect(stale.me).toMatchObject({ roomId: 'r2', seq: 7 });
    expect(stale.chat['rd1:r2']).toEqual(held.chat['rd1:r2']);
    // As new as the held one, or newer, or the first snapshot: the snapshot's place.
    expect(breakoutsFromSnapshot(snap(7), held).me).toMatchObject({ roomId: 'r1', seq: 7 });
    expect(breakoutsFromSnapshot(snap(9), held).me).toMatchObject({ roomId: 'r1', seq: 9 });
    expect(breakoutsFromSnapshot(snap(5)).me).toMatchObject({ roomId: 'r1', seq: 5 });
  });

  it('[BRK71] a closed round puts nobody in a room, whatever the last assignment said; a closing one keeps them there', () => {
    let s = reduceBreakouts(EMPTY_BREAKOUTS, { name: 'breakout:roundChanged', payload: roundView(round()) });
    s = reduceBreakouts(s, { name: 'breakout:assigned', payload: me() });
    s = reduceBreakouts(s, { name: 'breakout:roundChanged', payload: roundView(round({ version: 4, status: 'closing', closesAt: at(630) })) });
    expect(myRoom(s)).not.toBeNull();
    s = reduceBreakouts(s, { name: 'breakout:roundChanged', payload: roundView(round({ version: 5, status: 'closed', closedAt: at(630) })) });
    expect(myRoom(s)).toBeNull();
  });

  it('[BRK72] the clock: running, the one-minute warning, overtime, the closing countdown', () => {
    const r = round();
    expect(roundClock(r, Date.parse(at(100)))).toEqual({ phase: 'running', leftMs: 500_000 });
    expect(roundClock(r, Date.parse(at(540)))).toEqual({ phase: 'warning', leftMs: 60_000 });
    expect(roundClock(r, Date.parse(at(539))).phase).toBe('running');
    expect(roundClock(r, Date.parse(at(600))).phase).toBe('overtime');
    expect(roundClock(round({ status: 'closing', closesAt: at(630) }), Date.parse(at(610)))).toEqual({ phase: 'closing', leftMs: 20_000 });
    expect(clockText(500_000)).toBe('8:20');
    expect(clockText(59_001)).toBe('1:00');
    expect(clockText(3_723_000)).toBe('1:02:03');
    expect(clockText(-5)).toBe('0:00');
  });

  it('[BRK73] each member\'s role in the rotation follows the shared seat rule; the scorer scores role 0', () => {
    const r = roundView(round());
    expect(memberRoles(r, me()).map((m) => m.role)).toEqual(['Seller', 'Buyer', 'Observer']);
    expect(memberRoles(r, me({ rotation: 1 })).map((m) => m.role)).toEqual(['Observer', 'Seller', 'Buyer']);
    expect(rotationSubject(me({ rotation: 1 }))?.name).toBe('Ben');
    expect(memberRoles(roundView(round({ format: { kind: 'open' } })), me({ rotation: null })).every((m) => m.role === null)).toBe(true);
  });

  it('[BRK73] a rotation hands over at its share of the duration; the last one runs on', () => {
    const r = round();
    expect(rotationEndsAt(r, 0)).toBe(Date.parse(at(200)));
    expect(rotationEndsAt(r, 1)).toBe(Date.parse(at(400)));
    expect(rotationEndsAt(r, 2)).toBeNull();
    expect(rotationEndsAt(round({ format: { kind: 'open' } }), 0)).toBeNull();
  });

  it('[BRK73] the audience\'s round carries no brief; the attendee\'s own brief comes only in their assignment', () => {
    const s = reduceBreakouts(EMPTY_BREAKOUTS, { name: 'breakout:roundChanged', payload: roundView(round()) });
    expect(JSON.stringify(s.round)).not.toContain('no budget');
  });

  it('[BRK79] a self-select round asks for a room until the attendee has one', () => {
    let s = reduceBreakouts(EMPTY_BREAKOUTS, { name: 'breakout:roundChanged', payload: roundView(round({ strategy: { kind: 'selfSelect' } })) });
    expect(needsRoomChoice(s)).toBe(true);
    const ev = breakoutEventFromAck('breakout:choose', me());
    s = reduceBreakouts(s, ev!);
    expect(needsRoomChoice(s)).toBe(false);
  });

  it('[BRK70] broadcasts, help, chat and takeaways are kept once each', () => {
    let s = reduceBreakouts(EMPTY_BREAKOUTS, { name: 'breakout:roundChanged', payload: roundView(round()) });
    const b = { roundId: 'rd1', text: 'Five minutes left', at: at(300) };
    s = reduceBreakouts(s, { name: 'breakout:broadcasted', payload: b });
    s = reduceBreakouts(s, { name: 'breakout:broadcasted', payload: b });
    expect(s.round?.broadcasts).toHaveLength(1);

    const help = { id: 'h1', roundId: 'rd1', roomId: 'r1', participantId: 'a', name: 'Ana', at: at(10), takenBy: null };
    s = reduceBreakouts(s, { name: 'breakout:helpChanged', payload: help });
    s = reduceBreakouts(s, { name: 'breakout:helpChanged', payload: { ...help, takenBy: { id: 'm', name: 'Mo', at: at(20) } } });
    // A late "not taken" copy does not undo the take.
    s = reduceBreakouts(s, { name: 'breakout:helpChanged', payload: help });
    expect(s.help).toHaveLength(1);
    expect(s.help[0]!.takenBy?.name).toBe('Mo');

    const msg = { id: 'm1', authorId: 'a', authorName: 'Ana', authorRole: 'attendee' as const, mode: 'remote' as const, text: 'hi', censored: false, at: at(30) };
    s = reduceBreakouts(s, { name: 'breakout:chatPosted', payload: { ...msg, roundId: 'rd1', roomId: 'r1' } });
    s = reduceBreakouts(s, { name: 'breakout:chatPosted', payload: { ...msg, roundId: 'rd1', roomId: 'r1' } });
    expect(s.chat['rd1:r1']).toHaveLength(1);
    s = reduceBreakouts(s, { name: 'breakout:chatDeleted', payload: { roundId: 'rd1', roomId: 'r1', messageId: 'm1' } });
    expect(s.chat['rd1:r1']).toHaveLength(0);

    const t1: Takeaway = { roundId: 'rd1', roomId: 'r1', roomName: 'Room 1', text: 'Ask about budget first', byId: 'a', byName: 'Ana', at: at(400) };
    s = reduceBreakouts(s, { name: 'breakout:takeawaySubmitted', payload: t1 });
    s = reduceBreakouts(s, { name: 'breakout:takeawaySubmitted', payload: { ...t1, text: 'Newer', at: at(500) } });
    // An older copy arriving late does not replace the resubmission.
    s = reduceBreakouts(s, { name: 'breakout:takeawaySubmitted', payload: t1 });
    expect(s.takeaways).toHaveLength(1);
    expect(stageTakeaway(s, 'rd1', 'r1')).toEqual({ roomName: 'Room 1', text: 'Newer', byName: 'Ana' });
    expect(stageTakeaway(s, 'rd1', 'r2')).toBeNull();
  });

  it('[BRK78] the idle stage line names the rooms and the time everyone is back, only while a round runs', () => {
    const fmt = (iso: string) => iso.slice(11, 16);
    let s = reduceBreakouts(EMPTY_BREAKOUTS, { name: 'breakout:roundChanged', payload: roundView(round()) });
    expect(breakoutsInProgress(s, fmt)).toBe('Breakouts in progress: 2 rooms, back at 09:10');
    s = reduceBreakouts(s, { name: 'breakout:roundChanged', payload: roundView(round({ version: 9, status: 'closed' })) });
    expect(breakoutsInProgress(s, fmt)).toBeNull();
  });

  it('[BRK70] acks of staff commands apply at once: a moved participant, an assignment\'s round', () => {
    const occ = { roundId: 'rd1', rooms: { r1: { assigned: ['a'], inVideo: [] } }, unassigned: [] };
    let s = reduceBreakouts(EMPTY_BREAKOUTS, breakoutEventFromAck('breakout:move', occ)!);
    expect(s.occupancy.rd1).toEqual(occ);
    s = reduceBreakouts(s, breakoutEventFromAck('breakout:assign', { round: round(), assigned: 3, unplaced: 0, warnings: [] })!);
    expect(s.rounds.map((r) => r.id)).toEqual(['rd1']);
  });
});
