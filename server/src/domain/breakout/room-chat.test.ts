import { describe, expect, it } from 'vitest';
import { ErrorCode, RallyError } from '@rally/shared';
import { chatRoomFor } from './room-chat.js';
import { testRound } from './test-round.js';

function codeOf(f: () => unknown): string | null {
  try {
    f();
    return null;
  } catch (e) {
    return e instanceof RallyError ? e.code : 'not a RallyError';
  }
}

describe('[BRK61] where a room chat message goes', () => {
  it('[BRK61] an attendee posts to their own room only', () => {
    expect(chatRoomFor(testRound(), 'attendee', 'room_a', undefined)).toBe('room_a');
    expect(chatRoomFor(testRound(), 'attendee', 'room_a', 'room_a')).toBe('room_a');
    expect(codeOf(() => chatRoomFor(testRound(), 'attendee', 'room_a', 'room_b'))).toBe(ErrorCode.FORBIDDEN);
    expect(codeOf(() => chatRoomFor(testRound(), 'attendee', null, undefined))).toBe(ErrorCode.FORBIDDEN);
  });

  it('[BRK61] staff post to the room they name, which must be one of the round', () => {
    expect(chatRoomFor(testRound(), 'moderator', null, 'room_b')).toBe('room_b');
    expect(chatRoomFor(testRound(), 'admin', null, 'room_c')).toBe('room_c');
    expect(codeOf(() => chatRoomFor(testRound(), 'moderator', null, undefined))).toBe(ErrorCode.BAD_REQUEST);
    expect(codeOf(() => chatRoomFor(testRound(), 'moderator', null, 'nowhere'))).toBe(ErrorCode.NOT_FOUND);
  });
});
