import { ErrorCode, RallyError, roleIndexFor, rotationAt, type BreakoutRound, type Scorecard } from '@rally/shared';
import { isoNow } from '../../clock.js';
import { requireSender } from '../stage/common.js';
import { requireLive, type RoomsDeps } from './rooms-deps.js';
import { membersByRoom } from './view.js';
import { requireRound } from './access.js';

export interface ScoreInput {
  roundId: string;
  rotation: number;
  scores: Record<string, number>;
  comment: string;
}

export type FeedbackCard = Omit<Scorecard, 'scorerId'> & { scorerName: string };

/**
 * [BRK52] Who a scorecard is about, or why it is refused. Pure: the round, the scorer's room and
 * its members in the room's member order, and the time. The rotation must have started and be one
 * of the round's; the scorer must hold a scoring role in it, in their room; the subject is that
 * rotation's role-0 member (never the scorer); the rubric is scored whole, 1–5 per criterion, and
 * nothing else.
 */
export function checkScorecard(round: BreakoutRound, members: readonly string[], scorerId: string, input: Omit<ScoreInput, 'roundId' | 'comment'>, nowMs: number): { subjectId: string } {
  const format = round.format;
  if (format.kind === 'open') throw new RallyError(ErrorCode.INVALID_STATE, 'this round has no roles and no scorecards');
  if (input.rotation >= format.rotations) throw new RallyError(ErrorCode.BAD_REQUEST, `this round has ${format.rotations} rotation(s)`);
  const current = rotationAt(round, nowMs);
  if (current === null || input.rotation > current) throw new RallyError(ErrorCode.INVALID_STATE, 'this rotation has not started yet');
  const me = members.indexOf(scorerId);
  if (me < 0) throw new RallyError(ErrorCode.FORBIDDEN, 'you are not in a room of this round');
  const n = members.length;
  const role = format.roles[roleIndexFor(me, n, input.rotation, format.roles.length)]!;
  const subject = members.find((_, i) => roleIndexFor(i, n, input.rotation, format.roles.length) === 0)!;
  if (!role.scores || subject === scorerId) throw new RallyError(ErrorCode.FORBIDDEN, `as the ${role.name} of this rotation you do not fill in its scorecard`);
  const criteria = new Set(format.rubric.map((c) => c.id));
  const unknown = Object.keys(input.scores).find((id) => !criteria.has(id));
  if (unknown) throw new RallyError(ErrorCode.BAD_REQUEST, `"${unknown}" is not a criterion of this rubric`);
  const missing = format.rubric.find((c) => input.scores[c.id] === undefined);
  if (missing) throw new RallyError(ErrorCode.BAD_REQUEST, `score every criterion: "${missing.label}" is missing`);
  if (Object.values(input.scores).some((s) => !Number.isInteger(s) || s < 1 || s > 5)) throw new RallyError(ErrorCode.BAD_REQUEST, 'scores are whole numbers from 1 to 5');
  return { subjectId: subject };
}

/**
 * [BRK52] A scorer's rubric scorecard about one rotation's subject in their room, while the round
 * is open or closing. One per rotation per scorer: the store keeps the first, a second is CONFLICT
 * (a retry of the same command gets the first result back from the command record, [PROTO3]).
 */
export async function submitScorecard(deps: Pick<RoomsDeps, 'store' | 'clock' | 'engagement'>, eventId: string, participantId: string, input: ScoreInput): Promise<Scorecard> {
  const me = await requireSender(deps, eventId, participantId);
  const round = await requireRound(deps.store, eventId, input.roundId);
  requireLive(round, 'scorecards');
  const roomId = await deps.store.roomOf(round.id, me.id);
  if (!roomId) throw new RallyError(ErrorCode.FORBIDDEN, 'you are not in a room of this round');
  const members = membersByRoom(await deps.store.listAssignments(round.id)).get(roomId) ?? [];
  const nowMs = deps.clock.now();
  const { subjectId } = checkScorecard(round, members, me.id, input, nowMs);
  const card: Scorecard = { roundId: round.id, roomId, rotation: input.rotation, scorerId: me.id, subjectId, scores: { ...input.scores }, comment: input.comment.trim(), at: isoNow(deps.clock) };
  if (!(await deps.store.addScorecard(card))) throw new RallyError(ErrorCode.CONFLICT, 'you have already scored this rotation');
  deps.engagement?.interacted(me, 'scorecardGiven', { ref: round.id, breakoutRoomId: roomId });
  return card;
}

/**
 * [BRK53] The scorecards about the caller, with their scorers' names, once the round is closing or
 * closed: not while the rotations still run, so feedback cannot sway what is still being played.
 */
export async function myFeedback(deps: Pick<RoomsDeps, 'store'>, eventId: string, participantId: string, roundId: string): Promise<{ roundId: string; scorecards: FeedbackCard[] }> {
  const round = await requireRound(deps.store, eventId, roundId);
  if (round.status !== 'closing' && round.status !== 'closed') throw new RallyError(ErrorCode.INVALID_STATE, 'feedback is shown once the round closes');
  const mine = (await deps.store.listScorecards(round.id)).filter((c) => c.subjectId === participantId);
  const names = await scorerNames(deps, mine.map((c) => c.scorerId));
  return { roundId: round.id, scorecards: mine.map(({ scorerId, ...rest }) => ({ ...rest, scorerName: names.get(scorerId) ?? 'A former participant' })) };
}

async function scorerNames(deps: Pick<RoomsDeps, 'store'>, ids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  const people = await Promise.all(unique.map((id) => deps.store.getParticipant(id)));
  return new Map(people.flatMap((p) => (p ? [[p.id, p.name] as const] : [])));
}
