import { defaultFormat as sharedDefaultFormat, quickRooms as sharedQuickRooms, type BreakoutFormat, type BreakoutRoom, type RubricCriterion, type StructuredKind } from '@rally/shared';
import { newCommandId as newId } from '../../lib/ids';

/** [BRK76] The formats a moderator picks from, with the labels the console shows. */
export const FORMAT_LABEL: Record<'open' | StructuredKind, string> = {
  open: 'Open discussion',
  rolePlay: 'Role-play (seller, buyer, observer)',
  teachBack: 'Teach-back',
  dealClinic: 'Deal clinic',
};

/** [BRK76] A structured format's starting point (shared with the demo event), with browser-made ids. */
export const defaultFormat = (kind: 'open' | StructuredKind): BreakoutFormat => sharedDefaultFormat(kind, newId);

/** [BRK76] "N rooms of capacity C" (shared with the demo event), with browser-made ids. */
export const quickRooms = (count: number, capacity: number, existing: readonly BreakoutRoom[] = []): BreakoutRoom[] => sharedQuickRooms(count, capacity, newId, existing);

/**
 * [BRK91] The editor's rooms after "Rooms: N": the first N of those made so far (edits kept), plus
 * new ones ("Room k", capacity `capacity`) when there are fewer.
 */
export function resizeRooms(pool: readonly BreakoutRoom[], count: number, capacity: number): BreakoutRoom[] {
  const n = Math.max(1, Math.min(500, Math.floor(count)));
  if (pool.length >= n) return [...pool];
  return [...pool, ...quickRooms(n, capacity).slice(pool.length)];
}

/** [BRK91] "People per room: C" sets every room's capacity (1–100). */
export function withCapacity(rooms: readonly BreakoutRoom[], capacity: number): BreakoutRoom[] {
  const c = Math.max(1, Math.min(100, Math.floor(capacity)));
  return rooms.map((r) => ({ ...r, capacity: c }));
}

/** [BRK74] The criteria still without a 1–5 score. */
export function missingScores(rubric: readonly RubricCriterion[], scores: Record<string, number>): RubricCriterion[] {
  return rubric.filter((c) => !Number.isInteger(scores[c.id]) || scores[c.id]! < 1 || scores[c.id]! > 5);
}

/** HH:MM in the viewer's locale, for "back at 10:45". */
const hm = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
export const formatHm = (iso: string) => hm.format(new Date(iso));
