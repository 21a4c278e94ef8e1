import { ErrorCode, RallyError, type EventSettings, type JoinNotice, type Mode, type Role } from '@rally/shared';
import { waitSeconds } from './common.js';
import type { StageServices } from './deps.js';

/*
 * [STAGE12] [STAGE13] Venue-verified presence: an attendee is `room` only with the code the stage
 * screen shows now. A code is only a claim of being in the venue; moderators can still correct
 * anyone's mode ([ID7]).
 */

type RoomModeDeps = Pick<StageServices, 'roomCodes' | 'budgets'>;

/**
 * [STAGE12] Room mode is verified unless the organiser turned it off. Events created before the
 * setting existed have no value and are verified too: the code is what makes `room` mean something.
 */
export const roomModeVerified = (settings: Partial<EventSettings>): boolean => settings.verifyRoomMode !== false;

type Claim = { ok: true } | { ok: false; notice: JoinNotice };

const REQUIRED = 'enter the 4-character room code shown on the stage screen, or scan its QR code';
const INVALID = 'that room code is not current: it changes every minute. Enter the code on the stage screen now, or scan its QR code';
const blocked = (ms: number) => `too many wrong room codes; try again in ${waitSeconds(ms)} s`;

/**
 * Checks a room code against the event's current codes. Wrong codes are counted per `attemptKey`
 * (a client address or a participant): past the budget nothing is checked at all, so the 390,625
 * possible codes cannot be tried one after another within a code's two minutes.
 */
async function checkClaim(deps: RoomModeDeps, eventId: string, roomCode: string | undefined, attemptKey: string): Promise<Claim> {
  if (roomCode === undefined || roomCode.trim() === '') return { ok: false, notice: { reason: 'room-code-required', message: REQUIRED } };
  const wait = await deps.budgets.roomCodeFailures.blockedFor(attemptKey);
  if (wait > 0) return { ok: false, notice: { reason: 'room-code-blocked', message: blocked(wait) } };
  if (deps.roomCodes.verify(eventId, roomCode)) return { ok: true };
  await deps.budgets.roomCodeFailures.fail(attemptKey);
  return { ok: false, notice: { reason: 'room-code-invalid', message: INVALID } };
}

export interface JoinModeInput {
  eventId: string;
  settings: Partial<EventSettings>;
  role: Role;
  /** What the join asked for; undefined: `room` when a room code came along (the QR link), else remote. */
  mode: Mode | undefined;
  roomCode: string | undefined;
  /** Who is trying: the client's address, so wrong codes are limited before any participant exists. */
  attemptKey: string;
}

/**
 * [STAGE12] The mode a join gets. The stage screen is in the venue by definition. Staff are not
 * counted in cohorts ([PRES3]), so their mode is taken as asked. An attendee asking for `room`
 * without a current code still joins, as remote, with a notice saying why: joining matters more,
 * and they can switch once they have the code.
 */
export async function resolveJoinMode(deps: RoomModeDeps, input: JoinModeInput): Promise<{ mode: Mode; notice?: JoinNotice }> {
  if (input.role === 'screen') return { mode: 'room' };
  const requested: Mode = input.mode ?? (input.roomCode ? 'room' : 'remote');
  if (requested === 'remote') return { mode: 'remote' };
  if (input.role !== 'attendee' || !roomModeVerified(input.settings)) return { mode: 'room' };
  const claim = await checkClaim(deps, input.eventId, input.roomCode, input.attemptKey);
  if (claim.ok) return { mode: 'room' };
  return { mode: 'remote', notice: { reason: claim.notice.reason, message: `You joined as remote: ${claim.notice.message}.` } };
}

/**
 * [STAGE13] An attendee switching themselves to `room` needs a current code; a refusal is a
 * BAD_REQUEST (RATE_LIMITED after too many wrong codes) and changes nothing. Switching to remote,
 * staying in the room, staff, and events without verification need nothing.
 */
export async function requireRoomClaim(
  deps: RoomModeDeps,
  input: { eventId: string; settings: Partial<EventSettings>; role: Role; from: Mode; to: Mode | undefined; roomCode: string | undefined; participantId: string },
): Promise<void> {
  if (input.to !== 'room' || input.from === 'room' || input.role !== 'attendee' || !roomModeVerified(input.settings)) return;
  const claim = await checkClaim(deps, input.eventId, input.roomCode, `participant:${input.participantId}`);
  if (claim.ok) return;
  const code = claim.notice.reason === 'room-code-blocked' ? ErrorCode.RATE_LIMITED : ErrorCode.BAD_REQUEST;
  const why = claim.notice.message;
  throw new RallyError(code, claim.notice.reason === 'room-code-required' ? `to switch to in the room, ${why}` : why);
}
