import { timingSafeEqual } from 'node:crypto';
import { refuseIfArchived } from './retention.js';
import { ErrorCode, JoinRequest, RallyError, type JoinResponse, type Participant, type Role } from '@rally/shared';
import type { z } from 'zod';
import type { TokenClaims, TokenService } from '../auth/tokens.js';
import { isoNow, type Clock } from '../clock.js';
import { newId } from '../ids.js';
import type { EventRecord, Store } from '../store/store.js';
import { toPublicEvent } from './events.js';
import type { StageServices } from './stage/deps.js';
import { resolveJoinMode } from './stage/room-mode.js';

/** [SEC1] [SEC5] What creating a participant costs, per client address and per event. */
export interface NewParticipantBudget {
  /** Resolves when `address` may add a participant to `eventId`; throws RATE_LIMITED with retryAfterMs when not. */
  newParticipant(address: string, eventId: string): Promise<void>;
}

interface IdentityDeps {
  store: Store;
  clock: Clock;
  tokens: TokenService;
  adminToken: string | undefined;
  /** [STAGE12] Room codes and the wrong-code budget, to verify `room` at join. */
  stage: Pick<StageServices, 'roomCodes' | 'budgets'>;
  newParticipants: NewParticipantBudget;
}

const PRIVILEGED: readonly Role[] = ['presenter', 'moderator', 'screen', 'admin'];

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Which role a link key grants for this event, if any. */
function roleForKey(event: EventRecord, key: string, adminToken: string | undefined): Role | null {
  if (sameSecret(key, event.keys.presenter)) return 'presenter';
  if (sameSecret(key, event.keys.moderator)) return 'moderator';
  if (sameSecret(key, event.keys.stage)) return 'screen';
  if (adminToken && sameSecret(key, adminToken)) return 'admin';
  return null;
}

/**
 * Resolves a token to its participant, checking everything that can have changed since it was
 * signed: the participant still exists, is not banned, and a privileged token's key generation is
 * current. Used by the socket handshake and by a resuming join.
 */
export async function authenticate(deps: Pick<IdentityDeps, 'store' | 'tokens'>, token: string): Promise<{ claims: TokenClaims; participant: Participant; event: EventRecord }> {
  const claims = await deps.tokens.verify(token);
  const { participant, event } = await requireStanding(deps.store, claims);
  return { claims, participant, event };
}

/**
 * [SEC10] [SEC11] What a token's holder may still do, read from the store now: the participant
 * exists in the event, is not banned, and a privileged token's key generation is the event's
 * current one. The handshake checks it once; the command pipeline checks it again for every
 * privileged command, where the command is decided, so a rotation or a ban that returned on one
 * node holds for a command arriving on any node before that node disconnected the socket.
 */
export async function requireStanding(
  store: Pick<Store, 'getParticipant' | 'getEvent'>,
  claims: Pick<TokenClaims, 'participantId' | 'eventId' | 'role' | 'keyGeneration'>,
): Promise<{ participant: Participant; event: EventRecord }> {
  const [participant, event] = await Promise.all([store.getParticipant(claims.participantId), store.getEvent(claims.eventId)]);
  if (!participant || !event || participant.eventId !== event.id) {
    throw new RallyError(ErrorCode.UNAUTHORIZED, 'this participant no longer exists, please join again');
  }
  if (participant.banned) throw new RallyError(ErrorCode.BANNED, 'a moderator removed you from this event');
  if (PRIVILEGED.includes(claims.role) && claims.role !== 'admin' && claims.keyGeneration !== event.keyGeneration) {
    throw new RallyError(ErrorCode.UNAUTHORIZED, 'this link was replaced by the organiser, ask for the new one');
  }
  return { participant, event };
}

/**
 * [ID1] Join with a code and a display name. [ID2] A key from an organiser link grants its role.
 * [ID3] A valid token for the same event resumes that participant instead of creating a new one.
 * [STAGE12] `room` needs the stage screen's current code; `from` (the client's address) is whom
 * wrong codes are counted against. [SEC1] [SEC5] A new participant spends the address's and the
 * event's budgets; [SEC6] a resumed one spends neither.
 */
export async function join(deps: IdentityDeps, req: z.output<typeof JoinRequest>, from = 'unknown'): Promise<JoinResponse> {
  const event = await deps.store.getEventByCode(req.code);
  if (!event) throw new RallyError(ErrorCode.NOT_FOUND, `no event has the code ${req.code}`);
  // [OPS51] Nobody joins an archived event, nor resumes in it.
  refuseIfArchived(event);

  if (req.token) {
    const resumed = await authenticate(deps, req.token).catch((e: unknown) => {
      // A banned participant must not come back as someone new by presenting their old token.
      if (e instanceof RallyError && e.code === ErrorCode.BANNED) throw e;
      return null;
    });
    if (resumed && resumed.event.id === event.id) {
      return { token: req.token, participant: resumed.participant, event: toPublicEvent(event) };
    }
  }

  let role: Role = 'attendee';
  if (req.key) {
    const granted = roleForKey(event, req.key, deps.adminToken);
    if (!granted) throw new RallyError(ErrorCode.FORBIDDEN, 'this link is not valid any more, ask the organiser for the current one');
    role = granted;
  }

  let team: string | null = req.team ?? null;
  if (team !== null && event.teams.length > 0 && !event.teams.includes(team)) {
    throw new RallyError(ErrorCode.BAD_REQUEST, `unknown team "${team}"; pick one of: ${event.teams.join(', ')}`);
  }
  if (role === 'screen') team = null;

  const { mode, notice } = await resolveJoinMode(deps.stage, {
    eventId: event.id,
    settings: event.settings,
    role,
    mode: req.mode,
    roomCode: req.roomCode,
    attemptKey: `address:${from}`,
  });
  // Last, once the request is known to be good: a mistyped team or a stale link costs no budget.
  await deps.newParticipants.newParticipant(from, event.id);
  const participant: Participant = {
    id: newId(),
    eventId: event.id,
    name: req.name,
    role,
    mode,
    team,
    banned: false,
    joinedAt: isoNow(deps.clock),
    // [BRK35] Kept whether or not the list has it yet (it may be imported later); the schema lower-cased it.
    ...(req.email ? { email: req.email } : {}),
  };
  await deps.store.createParticipant(participant);
  const token = await deps.tokens.sign({ participantId: participant.id, eventId: event.id, role, keyGeneration: event.keyGeneration });
  return { token, participant, event: toPublicEvent(event), ...(notice ? { notice } : {}) };
}
