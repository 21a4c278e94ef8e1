import { describe, expect, it } from 'vitest';
import type { PlayerQuestion } from '@rally/shared';
import { ANSWER_MARKS, answerFrom, barShares, correctText, displayedFor, move, ordinal, remainingMs, tugOfWar } from './model';

const base = { id: 'q', text: 'Q?', imageUrl: null, timeLimitSec: 20, points: 1 as const };

describe('quiz screens model', () => {
  it('[UI58] every answer mark has its own shape and its own colour', () => {
    expect(new Set(ANSWER_MARKS.map((m) => m.shape)).size).toBe(ANSWER_MARKS.length);
    expect(new Set(ANSWER_MARKS.map((m) => m.colour)).size).toBe(ANSWER_MARKS.length);
    expect(ANSWER_MARKS.length).toBeGreaterThanOrEqual(6);
  });

  it('[UI53] the countdown runs on the server clock and stops at zero', () => {
    const closesAt = '2027-01-01T09:00:20.000Z';
    const serverNow = Date.parse('2027-01-01T09:00:05.000Z');
    // The client clock is 3 s behind the server's.
    expect(remainingMs(closesAt, serverNow - 3000, 3000)).toBe(15_000);
    expect(remainingMs(closesAt, serverNow + 60_000, 0)).toBe(0);
  });

  it('[UI60] the display time runs from the first render to the submit, never negative', () => {
    expect(displayedFor(1000.4, 3500.6)).toBe(2500);
    expect(displayedFor(2000, 1000)).toBe(0);
  });

  it('[UI58] [UI59] builds the wire answer for each kind; incomplete input gives none', () => {
    const empty = { picked: [], text: '', order: [], value: null };
    const choice: PlayerQuestion = { ...base, kind: 'choice', options: ['a', 'b', 'c'], multiple: true };
    expect(answerFrom(choice, { ...empty, picked: [2, 0] })).toEqual({ kind: 'choice', picks: [0, 2] });
    expect(answerFrom(choice, empty)).toBeNull();
    expect(answerFrom({ ...base, kind: 'truefalse' }, { ...empty, picked: [1] })).toEqual({ kind: 'truefalse', value: false });
    expect(answerFrom({ ...base, kind: 'type' }, { ...empty, text: '   ' })).toBeNull();
    expect(answerFrom({ ...base, kind: 'type' }, { ...empty, text: ' Rally ' })).toEqual({ kind: 'type', text: 'Rally' });
    const ordering: PlayerQuestion = { ...base, kind: 'ordering', items: [{ id: 2, label: 'c' }, { id: 0, label: 'a' }, { id: 1, label: 'b' }] };
    expect(answerFrom(ordering, empty)).toEqual({ kind: 'ordering', order: [2, 0, 1] });
    expect(answerFrom({ ...base, kind: 'number', min: 0, max: 10 }, { ...empty, value: 7 })).toEqual({ kind: 'number', value: 7 });
  });

  it('[UI59] up and down move one place; the ends stay put', () => {
    expect(move(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(move(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
    expect(move(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c']);
  });

  it('[UI54] bars split an option into room and remote shares of all who answered', () => {
    const d = { answered: { room: 3, remote: 1 }, correct: { room: 0, remote: 0 }, options: [{ room: 2, remote: 1 }, { room: 1, remote: 0 }] };
    expect(barShares(d.options[0]!, d)).toEqual({ room: 50, remote: 25 });
    expect(barShares({ room: 0, remote: 0 }, { ...d, answered: { room: 0, remote: 0 } })).toEqual({ room: 0, remote: 0 });
  });

  it('[UI54] the correct ordering reads in words, by item id', () => {
    const q: PlayerQuestion = { ...base, kind: 'ordering', items: [{ id: 1, label: 'b' }, { id: 0, label: 'a' }, { id: 2, label: 'c' }] };
    expect(correctText(q, { kind: 'ordering', order: [0, 1, 2] })).toBe('a → b → c');
  });

  it('[UI55] the tug of war needs exactly room and remote; even at 0 to 0', () => {
    expect(tugOfWar([{ rank: 1, team: 'room', score: 300 }, { rank: 2, team: 'remote', score: 100 }])?.roomShare).toBe(75);
    expect(tugOfWar([{ rank: 1, team: 'room', score: 0 }, { rank: 1, team: 'remote', score: 0 }])?.roomShare).toBe(50);
    expect(tugOfWar([{ rank: 1, team: 'Sales', score: 1 }, { rank: 2, team: 'remote', score: 0 }])).toBeNull();
  });

  it('ordinals', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 22, 101].map(ordinal)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '22nd', '101st']);
  });
});
