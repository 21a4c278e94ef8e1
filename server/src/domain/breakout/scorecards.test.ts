import { describe, expect, it } from 'vitest';
import { ErrorCode, RallyError, roleIndexFor } from '@rally/shared';
import { checkScorecard } from './scorecards.js';
import { OPENED_AT, testRound } from './test-round.js';

const members = ['amy', 'bob', 'cat'];
const full = { discovery: 4, close: 3 };
const during = (rotation: number) => OPENED_AT + rotation * 300_000 + 1_000;

function codeOf(f: () => unknown): string | null {
  try {
    f();
    return null;
  } catch (e) {
    return e instanceof RallyError ? e.code : 'not a RallyError';
  }
}

describe('[BRK52] scorecards', () => {
  it('[BRK52] the observer of a rotation scores its seller (role 0)', () => {
    // Rotation 0: amy sells, bob buys, cat observes.
    expect(checkScorecard(testRound(), members, 'cat', { rotation: 0, scores: full }, during(0))).toEqual({ subjectId: 'amy' });
    // Rotation 1: the seat moves: bob sells, amy observes.
    expect(roleIndexFor(0, 3, 1, 3)).toBe(2);
    expect(checkScorecard(testRound(), members, 'amy', { rotation: 1, scores: full }, during(1))).toEqual({ subjectId: 'bob' });
  });

  it('[BRK52] the seller and the buyer are refused FORBIDDEN, as is someone not in the room', () => {
    expect(codeOf(() => checkScorecard(testRound(), members, 'amy', { rotation: 0, scores: full }, during(0)))).toBe(ErrorCode.FORBIDDEN);
    expect(codeOf(() => checkScorecard(testRound(), members, 'bob', { rotation: 0, scores: full }, during(0)))).toBe(ErrorCode.FORBIDDEN);
    expect(codeOf(() => checkScorecard(testRound(), members, 'zed', { rotation: 0, scores: full }, during(0)))).toBe(ErrorCode.FORBIDDEN);
  });

  it('[BRK52] every criterion of the rubric is scored 1–5, and nothing else', () => {
    const check = (scores: Record<string, number>) => codeOf(() => checkScorecard(testRound(), members, 'cat', { rotation: 0, scores }, during(0)));
    expect(check({ discovery: 4 })).toBe(ErrorCode.BAD_REQUEST);
    expect(check({ ...full, charm: 5 })).toBe(ErrorCode.BAD_REQUEST);
    expect(check({ discovery: 0, close: 3 })).toBe(ErrorCode.BAD_REQUEST);
    expect(check({ discovery: 6, close: 3 })).toBe(ErrorCode.BAD_REQUEST);
    expect(check({ discovery: 2.5, close: 3 })).toBe(ErrorCode.BAD_REQUEST);
    expect(check({ discovery: 1, close: 5 })).toBeNull();
  });

  it('[BRK52] a rotation that has not started, or that the round does not have, is refused; past rotations can still be scored', () => {
    expect(codeOf(() => checkScorecard(testRound(), members, 'amy', { rotation: 1, scores: full }, during(0)))).toBe(ErrorCode.INVALID_STATE);
    expect(codeOf(() => checkScorecard(testRound(), members, 'cat', { rotation: 3, scores: full }, during(2)))).toBe(ErrorCode.BAD_REQUEST);
    expect(checkScorecard(testRound(), members, 'cat', { rotation: 0, scores: full }, during(2))).toEqual({ subjectId: 'amy' });
  });

  it('[BRK52] an open-format round has no scorecards', () => {
    expect(codeOf(() => checkScorecard(testRound({ format: { kind: 'open' } }), members, 'cat', { rotation: 0, scores: full }, during(0)))).toBe(ErrorCode.INVALID_STATE);
  });

  it('[BRK52] a scorer never scores themselves, even where the subject role scores', () => {
    const round = testRound();
    if (round.format.kind === 'open') throw new Error('structured');
    const everyoneScores = testRound({ format: { ...round.format, roles: round.format.roles.map((r) => ({ ...r, scores: true })) } });
    expect(codeOf(() => checkScorecard(everyoneScores, members, 'amy', { rotation: 0, scores: full }, during(0)))).toBe(ErrorCode.FORBIDDEN);
    expect(checkScorecard(everyoneScores, members, 'bob', { rotation: 0, scores: full }, during(0))).toEqual({ subjectId: 'amy' });
  });
});
