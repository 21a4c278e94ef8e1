import type { PlayerQuestion, QuizAnswerValue, QuizDistribution, QuizReveal, QuizTeamStanding, RoomRemote } from '@rally/shared';

/**
 * [UI53] [UI58] Each answer has a shape AND a colour AND its text: the shape and the label carry
 * the meaning for people who cannot tell the colours apart, the colour helps everyone else.
 * Colours keep white text at 4.5:1 or better.
 */
export const ANSWER_MARKS = [
  { shape: 'triangle', name: 'Triangle', colour: '#c0262d' },
  { shape: 'diamond', name: 'Diamond', colour: '#1d5fbf' },
  { shape: 'circle', name: 'Circle', colour: '#8a6100' },
  { shape: 'square', name: 'Square', colour: '#217a2c' },
  { shape: 'hexagon', name: 'Hexagon', colour: '#6b3fa0' },
  { shape: 'star', name: 'Star', colour: '#0e6f78' },
] as const;
export type AnswerShape = (typeof ANSWER_MARKS)[number]['shape'];

/** The mark of the i-th option (true/false: 0 is True, 1 is False). */
export function markOf(i: number) {
  return ANSWER_MARKS[i % ANSWER_MARKS.length]!;
}

/** The labelled choices a question offers as buttons: its options, or True / False. */
export function choicesOf(q: PlayerQuestion): string[] {
  if (q.kind === 'choice') return q.options;
  if (q.kind === 'truefalse') return ['True', 'False'];
  return [];
}

/** [UI53] Milliseconds left to answer, on the server clock: never negative. */
export function remainingMs(closesAt: string, nowClientMs: number, clockOffsetMs: number): number {
  return Math.max(0, Date.parse(closesAt) - (nowClientMs + clockOffsetMs));
}

/**
 * [UI60] How long the question was on this device before the answer: from the first render of the
 * answer screen for that question to the submit, never negative.
 */
export function displayedFor(shownAt: number, submitAt: number): number {
  return Math.max(0, Math.round(submitAt - shownAt));
}

/** The answer as the wire wants it, from what the phone's controls hold; null while incomplete. */
export function answerFrom(q: PlayerQuestion, input: { picked: number[]; text: string; order: number[]; value: number | null }): QuizAnswerValue | null {
  switch (q.kind) {
    case 'choice':
      return input.picked.length > 0 ? { kind: 'choice', picks: [...input.picked].sort((a, b) => a - b) } : null;
    case 'truefalse':
      return input.picked.length === 1 ? { kind: 'truefalse', value: input.picked[0] === 0 } : null;
    case 'type': {
      const t = input.text.trim();
      return t ? { kind: 'type', text: t } : null;
    }
    case 'ordering':
      return { kind: 'ordering', order: input.order.length ? input.order : q.items.map((i) => i.id) };
    case 'number':
      return input.value === null || !Number.isFinite(input.value) ? null : { kind: 'number', value: input.value };
  }
}

/** [UI59] Moves an item of an ordering one place up (-1) or down (+1); at an end nothing moves. */
export function move<T>(list: readonly T[], index: number, by: -1 | 1): T[] {
  const to = index + by;
  if (to < 0 || to >= list.length) return list.slice();
  const copy = list.slice();
  [copy[index], copy[to]] = [copy[to]!, copy[index]!];
  return copy;
}

/** [UI54] Which of the buttons are the correct ones at the reveal (choice and true/false). */
export function correctIndexes(r: QuizReveal): number[] {
  if (r.kind === 'choice') return r.correct;
  if (r.kind === 'truefalse') return [r.correct ? 0 : 1];
  return [];
}

/** [UI54] The correct answer in words, for the kinds without buttons. */
export function correctText(q: PlayerQuestion, r: QuizReveal): string {
  switch (r.kind) {
    case 'choice':
      return q.kind === 'choice' ? r.correct.map((i) => q.options[i]).join(', ') : '';
    case 'truefalse':
      return r.correct ? 'True' : 'False';
    case 'type':
      return r.accepted.join(' / ');
    case 'ordering': {
      const label = new Map(q.kind === 'ordering' ? q.items.map((i) => [i.id, i.label]) : []);
      return r.order.map((id) => label.get(id) ?? '?').join(' → ');
    }
    case 'number':
      return r.tolerance > 0 ? `${r.correct} (± ${r.tolerance})` : String(r.correct);
  }
}

/** [UI54] Bar widths for one option: the room and remote shares of everyone who answered, in %. */
export function barShares(option: RoomRemote, d: QuizDistribution): { room: number; remote: number } {
  const total = d.answered.room + d.answered.remote;
  if (total === 0) return { room: 0, remote: 0 };
  return { room: (100 * option.room) / total, remote: (100 * option.remote) / total };
}

/** The team name a cohort has in room-vs-remote standings. */
const COHORTS = ['room', 'remote'] as const;

/**
 * [UI55] Room against remote: the room's share of the two scores, 0..100 (50 when both are 0);
 * null when the standings are not exactly those two teams.
 */
export function tugOfWar(teams: readonly QuizTeamStanding[]): { roomShare: number; room: number; remote: number } | null {
  if (teams.length !== 2) return null;
  const by = new Map(teams.map((t) => [t.team.toLowerCase(), t.score]));
  if (!COHORTS.every((c) => by.has(c))) return null;
  const room = by.get('room')!;
  const remote = by.get('remote')!;
  const sum = room + remote;
  return { roomShare: sum > 0 ? (100 * room) / sum : 50, room, remote };
}

/** Team scores are per capita and may be fractional: shown with one decimal at most. */
export function teamScore(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** "1st", "2nd", "3rd", "4th", "11th", "22nd". */
export function ordinal(n: number): string {
  const t = n % 100;
  if (t >= 11 && t <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}
