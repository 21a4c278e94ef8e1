import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, type Mode, type Role } from '@rally/shared';
import { stageKit, type StageKit } from '../../../test/helpers/stage-kit.js';
import { correct, updateSelf } from '../participants.js';
import { resolveJoinMode } from './room-mode.js';

let k: StageKit;
beforeEach(async () => {
  k = await stageKit({ limits: { roomCode: 3 } });
});
afterEach(() => k.close());

const verified = { verifyRoomMode: true };
const join = (role: Role, mode: Mode | undefined, roomCode: string | undefined, settings: { verifyRoomMode?: boolean } = verified, attemptKey = 'address:10.0.0.1') =>
  resolveJoinMode(k.stage, { eventId: k.event.id, settings, role, mode, roomCode, attemptKey });

const current = () => k.stage.roomCodes.current(k.event.id).code;
const stale = () => {
  const code = current();
  k.clock.advance(2 * 60_000);
  return code;
};

describe('venue-verified presence at join', () => {
  it('[STAGE12] an attendee with the current code is room; the QR link (a code and no mode) means room too', async () => {
    expect(await join('attendee', 'room', current())).toEqual({ mode: 'room' });
    expect(await join('attendee', undefined, current().toLowerCase())).toEqual({ mode: 'room' });
  });

  it('[STAGE12] without a code, or with a stale or forged one, the attendee joins as remote with a notice saying why', async () => {
    expect(await join('attendee', 'room', undefined)).toMatchObject({ mode: 'remote', notice: { reason: 'room-code-required', message: expect.stringMatching(/^You joined as remote: enter the 4-character room code/) } });
    const old = stale();
    expect(await join('attendee', 'room', old)).toMatchObject({ mode: 'remote', notice: { reason: 'room-code-invalid', message: expect.stringContaining('changes every minute') } });
    expect(await join('attendee', undefined, 'ZZZZ')).toMatchObject({ mode: 'remote', notice: { reason: 'room-code-invalid' } });
    expect(await join('attendee', 'room', 'not a code')).toMatchObject({ mode: 'remote', notice: { reason: 'room-code-invalid' } });
  });

  it('[STAGE12] after too many wrong codes from one address, codes from it are not even checked; other addresses are unaffected', async () => {
    for (let i = 0; i < 3; i++) expect((await join('attendee', 'room', 'ZZZZ')).notice?.reason).toBe('room-code-invalid');
    expect(await join('attendee', 'room', current())).toMatchObject({ mode: 'remote', notice: { reason: 'room-code-blocked', message: expect.stringMatching(/try again in \d+ s/) } });
    expect(await join('attendee', 'room', current(), verified, 'address:10.0.0.2')).toEqual({ mode: 'room' });
  });

  it('[STAGE12] remote needs nothing; the stage screen is always room; staff get what they ask for; an unverified event takes the mode as asked', async () => {
    expect(await join('attendee', 'remote', undefined)).toEqual({ mode: 'remote' });
    expect(await join('attendee', undefined, undefined)).toEqual({ mode: 'remote' });
    expect(await join('screen', 'remote', undefined)).toEqual({ mode: 'room' });
    expect(await join('presenter', 'room', undefined)).toEqual({ mode: 'room' });
    expect(await join('moderator', 'room', undefined)).toEqual({ mode: 'room' });
    expect(await join('attendee', 'room', undefined, { verifyRoomMode: false })).toEqual({ mode: 'room' });
    // An event from before the setting existed is verified.
    expect((await join('attendee', 'room', undefined, {})).mode).toBe('remote');
    expect(k.stage.budgets.roomCodeFailures.spent.size).toBe(0);
  });
});

describe('switching to the room later', () => {
  it('[STAGE13] [ID6] an attendee switches to room with the current code; their sockets move to the room cohort', async () => {
    const me = await k.person({ mode: 'remote' });
    const updated = await updateSelf(k.deps, k.event.id, me.id, { mode: 'room', roomCode: current() });
    expect(updated.mode).toBe('room');
    expect(k.publish.modeMoves).toEqual([{ eventId: k.event.id, participantId: me.id, mode: 'room' }]);
  });

  it('[STAGE13] without a code, or with a stale one, it is BAD_REQUEST and nothing changes; repeated wrong codes become RATE_LIMITED', async () => {
    const me = await k.person({ mode: 'remote' });
    await expect(updateSelf(k.deps, k.event.id, me.id, { mode: 'room' })).rejects.toMatchObject({ code: ErrorCode.BAD_REQUEST, message: expect.stringMatching(/^to switch to in the room, enter the 4-character room code/) });
    const old = stale();
    await expect(updateSelf(k.deps, k.event.id, me.id, { mode: 'room', roomCode: old })).rejects.toMatchObject({ code: ErrorCode.BAD_REQUEST, message: expect.stringContaining('not current') });
    await expect(updateSelf(k.deps, k.event.id, me.id, { mode: 'room', roomCode: 'ZZZZ' })).rejects.toMatchObject({ code: ErrorCode.BAD_REQUEST });
    await expect(updateSelf(k.deps, k.event.id, me.id, { mode: 'room', roomCode: 'YYYY' })).rejects.toMatchObject({ code: ErrorCode.BAD_REQUEST });
    await expect(updateSelf(k.deps, k.event.id, me.id, { mode: 'room', roomCode: current() })).rejects.toMatchObject({ code: ErrorCode.RATE_LIMITED });
    expect((await k.store.getParticipant(me.id))!.mode).toBe('remote');
    expect(k.publish.published).toEqual([]);
    expect(k.publish.modeMoves).toEqual([]);
  });

  it('[STAGE13] [ID7] switching to remote, changing team, and a moderator\'s correction need no code', async () => {
    const me = await k.person({ mode: 'room' });
    expect((await updateSelf(k.deps, k.event.id, me.id, { mode: 'remote', team: 'NA' })).mode).toBe('remote');
    expect((await updateSelf(k.deps, k.event.id, me.id, { team: 'EMEA' })).team).toBe('EMEA');
    expect((await correct(k.deps, k.event.id, me.id, { mode: 'room' })).mode).toBe('room');
    expect(k.publish.modeMoves.map((m) => m.mode)).toEqual(['remote', 'room']);
  });
});
