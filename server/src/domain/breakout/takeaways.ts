import { ErrorCode, POLL_LIMITS, RallyError, normaliseWord, type BreakoutRound, type PollDraft, type Takeaway } from '@rally/shared';
import { isoNow } from '../../clock.js';
import type { DomainDeps } from '../ports.js';
import { launchAdhoc } from '../polls/lifecycle.js';
import { requireSender } from '../stage/common.js';
import { censorProfanity } from '../text/profanity.js';
import { publishToRoom, requireLive, type RoomsDeps } from './rooms-deps.js';
import { requireRound } from './access.js';

/**
 * [BRK60] A member submits their room's best takeaway (a later one, from anyone in the room,
 * replaces it) while the round is open or closing. It may reach the projector, so profanity is
 * censored as in the chat.
 */
export async function submitTakeaway(deps: Pick<RoomsDeps, 'store' | 'publish' | 'clock'>, eventId: string, participantId: string, input: { roundId: string; text: string }): Promise<Takeaway> {
  const me = await requireSender(deps, eventId, participantId);
  const round = await requireRound(deps.store, eventId, input.roundId);
  requireLive(round, 'takeaways');
  const roomId = await deps.store.roomOf(round.id, me.id);
  if (!roomId) throw new RallyError(ErrorCode.FORBIDDEN, 'you are not in a room of this round');
  const roomName = round.rooms.find((r) => r.id === roomId)?.name ?? '';
  const takeaway: Takeaway = { roundId: round.id, roomId, roomName, text: censorProfanity(input.text.trim()).text, byId: me.id, byName: me.name, at: isoNow(deps.clock) };
  await deps.store.setTakeaway(takeaway);
  publishToRoom(deps, round, roomId, 'breakout:takeawaySubmitted', takeaway);
  return takeaway;
}

/** [BRK60] Staff: every room's takeaway of a round. */
export async function roundTakeaways(deps: Pick<RoomsDeps, 'store'>, eventId: string, roundId: string): Promise<Takeaway[]> {
  const round = await requireRound(deps.store, eventId, roundId);
  return deps.store.listTakeaways(round.id);
}

/**
 * [BRK60] A takeaway goes on the stage only if it exists: the round is the event's and the room has
 * submitted one (stage:show answers NOT_FOUND otherwise).
 */
export async function requireTakeaway(deps: Pick<RoomsDeps, 'store'>, eventId: string, roundId: string, roomId: string): Promise<Takeaway> {
  const found = (await roundTakeaways(deps, eventId, roundId)).find((t) => t.roomId === roomId);
  if (!found) throw new RallyError(ErrorCode.NOT_FOUND, 'this room has no takeaway');
  return found;
}

// Control characters other than tab and newline are refused by poll text; takeaways may carry them.
const CONTROL = /[\u0000-\u001f\u007f]|[\uD800-\uDFFF]/gu;
const oneLine = (s: string) => s.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
const clip = (s: string, max: number) => ([...s].length <= max ? s : [...s].slice(0, max - 1).join('').trimEnd() + '…');

/**
 * [BRK62] The poll that picks the best takeaway: one option per takeaway, labelled with its room,
 * in the rooms' order. A poll has 2–10 options, so staff choose up to 10 rooms when more have one;
 * labels are clipped to an option's length and made distinct.
 */
export function takeawayPollDraft(round: BreakoutRound, takeaways: readonly Takeaway[], roomIds?: readonly string[]): PollDraft {
  const byRoom = new Map(takeaways.filter((t) => t.roundId === round.id).map((t) => [t.roomId, t]));
  if (roomIds) {
    const missing = roomIds.find((id) => !byRoom.has(id));
    if (missing) throw new RallyError(ErrorCode.NOT_FOUND, 'a chosen room has no takeaway');
    if (new Set(roomIds).size !== roomIds.length) throw new RallyError(ErrorCode.BAD_REQUEST, 'a room is chosen twice');
  }
  const chosen = new Set(roomIds ?? byRoom.keys());
  const rooms = round.rooms.filter((r) => chosen.has(r.id));
  if (rooms.length < POLL_LIMITS.minOptions) throw new RallyError(ErrorCode.INVALID_STATE, `a poll needs takeaways from at least ${POLL_LIMITS.minOptions} rooms`);
  if (rooms.length > POLL_LIMITS.maxOptions) {
    throw new RallyError(ErrorCode.INVALID_STATE, `${rooms.length} rooms have a takeaway; a poll has at most ${POLL_LIMITS.maxOptions} options: choose the rooms (roomIds)`);
  }
  const seen = new Set<string>();
  const options = rooms.map((room) => {
    const base = oneLine(`${room.name}: ${byRoom.get(room.id)!.text}`);
    let label = clip(base, POLL_LIMITS.optionLabel);
    for (let n = 2; seen.has(normaliseWord(label)); n++) label = clip(base, POLL_LIMITS.optionLabel - ` (${n})`.length) + ` (${n})`;
    seen.add(normaliseWord(label));
    return label;
  });
  return {
    kind: 'single',
    question: clip(oneLine(`Best takeaway: ${round.title}`), POLL_LIMITS.question),
    options,
    settings: { anonymous: true, resultsVisibility: 'live', allowChange: true, durationSec: null },
  };
}

/** [BRK62] Staff launch the round's takeaways as a live poll, through the poll lifecycle like any ad-hoc poll. */
export async function pollTakeaways(deps: DomainDeps, eventId: string, input: { roundId: string; roomIds?: string[] }): Promise<{ pollId: string }> {
  const round = await requireRound(deps.store, eventId, input.roundId);
  const draft = takeawayPollDraft(round, await deps.store.listTakeaways(round.id), input.roomIds);
  const poll = await launchAdhoc(deps, eventId, draft);
  return { pollId: poll.id };
}
