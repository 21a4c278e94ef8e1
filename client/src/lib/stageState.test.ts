import { describe, expect, it } from 'vitest';
import type { ChatMessage, PresenterNote, Snapshot } from '@rally/shared';
import { EMPTY_STAGE, formatDuration, listenStageFacts, reduceStage, sessionTimer, slowModeWaitMs, stageEventFromAck, stageFromSnapshot, type StageEvent } from './stageState';
import type { RallySocket } from './socket';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 9, 0, s)).toISOString();
const msg = (id: string, authorId = 'p1', sec = 0): ChatMessage => ({ id, authorId, authorName: 'Ann', authorRole: 'attendee', mode: 'remote', text: `hi ${id}`, censored: false, at: at(sec) });
const note = (id: string, readAt: string | null = null): PresenterNote => ({ id, text: 'Slow down', from: 'Mo', at: at(0), readAt, readBy: readAt ? 'Pat' : null });

describe('stage state', () => {
  it('[STAGE25] takes the stage part of a snapshot, with defaults when it is missing', () => {
    expect(stageFromSnapshot({} as Snapshot)).toEqual(EMPTY_STAGE);
    const s = stageFromSnapshot({
      stage: { roomCode: { code: 'ACDE', validUntil: at(60), joinUrl: 'http://x/j/ABC?room=ACDE' }, announcement: null, notes: [note('n1')], chat: { messages: [msg('m1')], settings: { slowModeSec: 10 }, banned: true } },
    } as unknown as Snapshot);
    expect(s.roomCode?.code).toBe('ACDE');
    expect(s.notes).toHaveLength(1);
    expect(s.chat).toMatchObject({ banned: true, settings: { slowModeSec: 10 } });
  });

  it('[STAGE32] a poll:launched that carries the slot moves the stage; one without it leaves the stage alone', () => {
    const handlers = new Map<string, (payload: unknown) => void>();
    const socket = { on: (name: string, fn: (payload: unknown) => void) => handlers.set(name, fn) } as unknown as RallySocket;
    const events: StageEvent[] = [];
    listenStageFacts(socket, (e) => events.push(e));
    const onStage = { slot: { kind: 'poll' as const, pollId: 'poll_1' }, version: 3, at: at(5) };
    handlers.get('poll:launched')!({ id: 'poll_1', state: 'live', onStage });
    handlers.get('poll:launched')!({ id: 'poll_2', state: 'live' });
    expect(events).toEqual([{ name: 'stage:changed', payload: onStage }]);
    expect(reduceStage(EMPTY_STAGE, events[0]!).onStage).toEqual(onStage);
  });

  it('[STAGE11] a rotated room code replaces the old one', () => {
    const s = reduceStage(EMPTY_STAGE, { name: 'stage:roomCodeRotated', payload: { code: 'FGHJ', validUntil: at(60), joinUrl: 'u' } });
    expect(s.roomCode?.code).toBe('FGHJ');
  });

  it('[STAGE15] each burst gets the next sequence number', () => {
    const b = { counts: { '👏': 3 }, room: 1, remote: 2 } as never;
    let s = reduceStage(EMPTY_STAGE, { name: 'reaction:aggregated', payload: b });
    s = reduceStage(s, { name: 'reaction:aggregated', payload: b });
    expect(s.burst?.seq).toBe(2);
  });

  it('[STAGE20] [STAGE24] chat messages are added once and deleted', () => {
    let s = reduceStage(EMPTY_STAGE, { name: 'chat:messagePosted', payload: msg('a') });
    s = reduceStage(s, { name: 'chat:messagePosted', payload: msg('a') });
    s = reduceStage(s, { name: 'chat:messagePosted', payload: msg('b') });
    expect(s.chat.messages.map((m) => m.id)).toEqual(['a', 'b']);
    s = reduceStage(s, { name: 'chat:messageDeleted', payload: { messageId: 'a' } });
    expect(s.chat.messages.map((m) => m.id)).toEqual(['b']);
  });

  it('[STAGE23] keeps at most the last 100 messages', () => {
    let s = EMPTY_STAGE;
    for (let i = 0; i < 105; i++) s = reduceStage(s, { name: 'chat:messagePosted', payload: msg(`m${i}`) });
    expect(s.chat.messages).toHaveLength(100);
    expect(s.chat.messages[0]!.id).toBe('m5');
  });

  it('[STAGE24] a chat ban concerns only the participant named', () => {
    const other = reduceStage(EMPTY_STAGE, { name: 'chat:banChanged', payload: { participantId: 'x', banned: true } }, 'me');
    expect(other.chat.banned).toBe(false);
    expect(other.chatBans).toEqual({ x: true });
    const mine = reduceStage(EMPTY_STAGE, { name: 'chat:banChanged', payload: { participantId: 'me', banned: true } }, 'me');
    expect(mine.chat.banned).toBe(true);
  });

  it('[STAGE19] a read receipt is never taken back by a late unread copy', () => {
    let s = reduceStage(EMPTY_STAGE, { name: 'note:posted', payload: note('n') });
    s = reduceStage(s, { name: 'note:readConfirmed', payload: note('n', at(5)) });
    s = reduceStage(s, { name: 'note:posted', payload: note('n') });
    expect(s.notes[0]!.readAt).toBe(at(5));
  });

  it('[STAGE17] an older announcement does not replace a newer one', () => {
    const a = (id: string, sec: number) => ({ id, text: id, audience: 'all' as const, at: at(sec) });
    let s = reduceStage(EMPTY_STAGE, { name: 'announcement:posted', payload: a('new', 10) });
    s = reduceStage(s, { name: 'announcement:posted', payload: a('old', 5) });
    expect(s.announcement?.id).toBe('new');
  });

  it('[STAGE21] slow mode waits from my own last message', () => {
    let s = reduceStage(EMPTY_STAGE, { name: 'chat:settingsChanged', payload: { slowModeSec: 30 } });
    expect(slowModeWaitMs(s, 'p1', Date.parse(at(0)))).toBe(0);
    s = reduceStage(s, { name: 'chat:messagePosted', payload: msg('a', 'p1', 0) });
    s = reduceStage(s, { name: 'chat:messagePosted', payload: msg('b', 'p2', 10) });
    expect(slowModeWaitMs(s, 'p1', Date.parse(at(10)))).toBe(20_000);
    expect(slowModeWaitMs(s, 'p1', Date.parse(at(40)))).toBe(0);
  });

  it('[STAGE6] the session timer counts from the start and to the end', () => {
    expect(sessionTimer(at(0), at(50), Date.parse(at(20)))).toEqual({ elapsedMs: 20_000, remainingMs: 30_000 });
    expect(sessionTimer(null, null, 0)).toEqual({ elapsedMs: null, remainingMs: null });
    expect(formatDuration(75_000)).toBe('1:15');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
    expect(formatDuration(-5_000)).toBe('-0:05');
  });

  it('our own acks become events', () => {
    expect(stageEventFromAck('chat:send', msg('x'))?.name).toBe('chat:messagePosted');
    expect(stageEventFromAck('note:markRead', note('n', at(1)))?.name).toBe('note:readConfirmed');
    expect(stageEventFromAck('reaction:send', { emoji: '👏' })).toBeNull();
  });
});
