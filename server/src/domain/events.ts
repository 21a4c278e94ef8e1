import { CreateEventRequest, DEFAULT_BRANDING, DEFAULT_STREAM, ErrorCode, RallyError, stageOf, type CreateEventResponse, type EventLinks, type PublicEvent } from '@rally/shared';
import type { z } from 'zod';
import { isoNow, type Clock } from '../clock.js';
import { newId, newJoinCode, newSecretKey } from '../ids.js';
import type { EventRecord, RoleKeys, Store } from '../store/store.js';
import type { Publisher } from './ports.js';

export const toPublicEvent = (e: EventRecord): PublicEvent => ({
  id: e.id,
  code: e.code,
  name: e.name,
  teams: e.teams,
  agenda: e.agenda,
  liveSessionId: e.liveSessionId,
  settings: e.settings,
  createdAt: e.createdAt,
  // Records from before the stage get its defaults here, so clients always receive these fields.
  ...stageOf(e),
  // [OPS51] Only once archived, so events that never were keep their shape.
  ...(e.archivedAt ? { archivedAt: e.archivedAt } : {}),
});

const newKeys = (): RoleKeys => ({ presenter: newSecretKey(), moderator: newSecretKey(), stage: newSecretKey() });

/** Keys travel in the URL fragment so they never reach server or proxy logs, nor Referer headers. */
export function eventLinks(publicUrl: string, e: EventRecord): EventLinks {
  return {
    attendee: `${publicUrl}/j/${e.code}`,
    presenter: `${publicUrl}/e/${e.code}/presenter#key=${e.keys.presenter}`,
    moderator: `${publicUrl}/e/${e.code}/moderator#key=${e.keys.moderator}`,
    stage: `${publicUrl}/e/${e.code}/stage#key=${e.keys.stage}`,
  };
}

export const eventResponse = (publicUrl: string, e: EventRecord): CreateEventResponse => ({
  event: toPublicEvent(e),
  code: e.code,
  links: eventLinks(publicUrl, e),
});

/** [EV1] A new event gets a fresh join code; a collision with an existing code is retried. */
export async function createEvent(
  deps: { store: Store; clock: Clock },
  req: z.output<typeof CreateEventRequest>,
): Promise<EventRecord> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const record: EventRecord = {
      id: newId(),
      code: newJoinCode(),
      name: req.name,
      teams: [...new Set(req.teams)],
      agenda: req.agenda,
      liveSessionId: null,
      settings: { allowAnonymousQuestions: true, moderation: 'pre', verifyRoomMode: true, ...req.settings },
      createdAt: isoNow(deps.clock),
      keys: newKeys(),
      keyGeneration: 0,
      stream: req.stream ?? DEFAULT_STREAM,
      branding: req.branding ?? DEFAULT_BRANDING,
      liveSessionStartedAt: null,
    };
    try {
      await deps.store.createEvent(record);
      return record;
    } catch (e) {
      if (e instanceof RallyError && e.code === ErrorCode.CONFLICT) continue;
      throw e;
    }
  }
  throw new RallyError(ErrorCode.UNAVAILABLE, 'could not allocate a join code, try again');
}

/** Roles whose tokens depend on the link keys (admins hold the organiser token instead). */
const KEYED_ROLES = ['presenter', 'moderator', 'screen'] as const;

/**
 * [EV2] Rotating keys invalidates the old links and every presenter, moderator and stage token;
 * those connected now are told and disconnected at once, not at their next reconnect.
 */
export async function rotateEventKeys(deps: { store: Store; publish: Publisher }, eventId: string): Promise<EventRecord> {
  const e = await deps.store.rotateKeys(eventId, newKeys());
  if (!e) throw new RallyError(ErrorCode.NOT_FOUND, 'no such event');
  deps.publish.toRoles(eventId, KEYED_ROLES, 'session:ended', { reason: 'keys-rotated', message: 'the organiser replaced this link; ask for the new one' });
  deps.publish.disconnectRoles(eventId, KEYED_ROLES);
  return e;
}

export async function requireEvent(store: Store, eventId: string): Promise<EventRecord> {
  const e = await store.getEvent(eventId);
  if (!e) throw new RallyError(ErrorCode.NOT_FOUND, 'no such event');
  return e;
}
