import { describe, expect, it } from 'vitest';
import { ErrorCode, POLL_LIMITS, PollDraft, RallyError, type Takeaway } from '@rally/shared';
import { takeawayPollDraft } from './takeaways.js';
import { testRound } from './test-round.js';

const t = (roomId: string, text: string): Takeaway => ({ roundId: 'round1', roomId, roomName: `Room ${roomId}`, text, byId: 'p1', byName: 'Ada', at: '2027-01-20T10:10:00.000Z' });

function codeOf(f: () => unknown): string | null {
  try {
    f();
    return null;
  } catch (e) {
    return e instanceof RallyError ? e.code : 'not a RallyError';
  }
}

describe('[BRK62] the takeaway poll', () => {
  it('[BRK62] one option per takeaway, labelled with its room, in the rooms order; a valid live poll draft', () => {
    const draft = takeawayPollDraft(testRound(), [t('room_c', 'Ask about budget first'), t('room_a', 'Listen more than you talk')]);
    expect(PollDraft.safeParse(draft).success).toBe(true);
    expect(draft.kind).toBe('single');
    if (draft.kind !== 'single') return;
    expect(draft.options).toEqual(['Room A: Listen more than you talk', 'Room C: Ask about budget first']);
    expect(draft.question).toContain('Discovery role-play');
  });

  it('[BRK62] long, multi-line or identical takeaways still make distinct options within the limits', () => {
    const long = 'x'.repeat(280);
    const rooms = Array.from({ length: 4 }, (_, i) => ({ id: `r${i}`, name: 'Same name', topic: '', capacity: 3, facilitatorId: null }));
    const draft = takeawayPollDraft(testRound({ rooms }), rooms.map((r) => t(r.id, `${long}\nline two\u0007`)));
    expect(PollDraft.safeParse(draft).success).toBe(true);
    if (draft.kind !== 'single') return;
    expect(new Set(draft.options).size).toBe(4);
    for (const o of draft.options) expect([...o].length).toBeLessThanOrEqual(POLL_LIMITS.optionLabel);
  });

  it('[BRK62] fewer than two takeaways, or more than a poll holds without a choice, is INVALID_STATE', () => {
    expect(codeOf(() => takeawayPollDraft(testRound(), [t('room_a', 'only one')]))).toBe(ErrorCode.INVALID_STATE);
    const rooms = Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, name: `Room ${i}`, topic: '', capacity: 3, facilitatorId: null }));
    const all = rooms.map((r) => t(r.id, `idea ${r.id}`));
    expect(codeOf(() => takeawayPollDraft(testRound({ rooms }), all))).toBe(ErrorCode.INVALID_STATE);
    const picked = takeawayPollDraft(testRound({ rooms }), all, ['r3', 'r7']);
    expect(picked.kind === 'single' && picked.options).toEqual(['Room 3: idea r3', 'Room 7: idea r7']);
  });

  it('[BRK62] a chosen room without a takeaway is NOT_FOUND; a room chosen twice is BAD_REQUEST', () => {
    const takeaways = [t('room_a', 'a'), t('room_b', 'b')];
    expect(codeOf(() => takeawayPollDraft(testRound(), takeaways, ['room_a', 'room_c']))).toBe(ErrorCode.NOT_FOUND);
    expect(codeOf(() => takeawayPollDraft(testRound(), takeaways, ['room_a', 'room_a']))).toBe(ErrorCode.BAD_REQUEST);
  });
});
