import { ErrorCode, RallyError, type Mode, type Participant } from '@rally/shared';
import type { ParticipantPatch } from '../store/store.js';
import { requireEvent } from './events.js';
import { MODERATOR_ROLES, type DomainDeps, type WithStage } from './ports.js';
import { requireRoomClaim } from './stage/room-mode.js';
import { participantChanged } from './presence.js';
import { breakoutStandingChanged } from './breakout/placement.js';

async function requireParticipantOf(deps: DomainDeps, eventId: string, participantId: string): Promise<Participant> {
  const p = await deps.store.getParticipant(participantId);
  // Another event's participant is reported as unknown: ids must not leak across events.
  if (!p || p.eventId !== eventId) throw new RallyError(ErrorCode.NOT_FOUND, 'no such participant in this event');
  return p;
}

async function checkTeam(deps: DomainDeps, eventId: string, team: string | undefined) {
  if (team === undefined) return;
  const event = await requireEvent(deps.store, eventId);
  if (event.teams.length > 0 && !event.teams.includes(team)) {
    throw new RallyError(ErrorCode.BAD_REQUEST, `unknown team "${team}"; pick one of: ${event.teams.join(', ')}`);
  }
}

async function applyPatch(deps: DomainDeps, target: Participant, patch: ParticipantPatch): Promise<Participant> {
  const updated = await deps.store.updateParticipant(target.id, patch);
  if (!updated) throw new RallyError(ErrorCode.NOT_FOUND, 'no such participant');
  if (patch.mode !== undefined) deps.publish.setMode(updated.eventId, updated.id, updated.mode);
  // [ENG24] A switch of cohort is in the engagement log (attendees only), so time-weighted
  // presence ([ENG22]) moves the person's time from then on instead of keeping them where they were.
  if (updated.mode !== target.mode) deps.engagement?.interacted(updated, 'modeChanged', { ref: target.mode });
  deps.publish.toParticipant(updated.id, 'participant:updated', updated);
  deps.publish.toRoles(updated.eventId, MODERATOR_ROLES, 'participant:updated', updated);
  await participantChanged(deps, updated);
  // [BRK29] A ban or a switch of mode may take them out of (or into) the running breakout round's audience.
  if (updated.mode !== target.mode || updated.banned !== target.banned) await breakoutStandingChanged(deps, updated);
  return updated;
}

/**
 * [ID6] A participant may change their own team and mode. [STAGE13] An attendee switching to
 * `room` in a verified event needs the stage screen's current code; nothing changes without it.
 */
export async function updateSelf(
  deps: WithStage<DomainDeps>,
  eventId: string,
  participantId: string,
  patch: { team?: string; mode?: Mode; roomCode?: string },
): Promise<Participant> {
  const me = await requireParticipantOf(deps, eventId, participantId);
  await checkTeam(deps, eventId, patch.team);
  const event = await requireEvent(deps.store, eventId);
  await requireRoomClaim(deps.stage, { eventId, settings: event.settings, role: me.role, from: me.mode, to: patch.mode, roomCode: patch.roomCode, participantId: me.id });
  return applyPatch(deps, me, { team: patch.team, mode: patch.mode });
}

/** [ID7] A moderator may correct anyone's team or mode. */
export async function correct(deps: DomainDeps, eventId: string, participantId: string, patch: { team?: string; mode?: Mode }): Promise<Participant> {
  const target = await requireParticipantOf(deps, eventId, participantId);
  await checkTeam(deps, eventId, patch.team);
  return applyPatch(deps, target, patch);
}

/** [ID8] A banned participant is disconnected everywhere and cannot reconnect or rejoin with their token. */
export async function setBanned(deps: DomainDeps, eventId: string, actorId: string, participantId: string, banned: boolean): Promise<Participant> {
  if (actorId === participantId) throw new RallyError(ErrorCode.INVALID_STATE, 'you cannot ban yourself');
  const target = await requireParticipantOf(deps, eventId, participantId);
  if (target.role === 'admin' || target.role === 'moderator') {
    throw new RallyError(ErrorCode.FORBIDDEN, 'moderators and organisers cannot be banned; rotate the event keys instead');
  }
  const updated = await applyPatch(deps, target, { banned });
  if (banned) {
    deps.publish.toParticipant(updated.id, 'session:ended', { reason: 'banned', message: 'a moderator removed you from this event' });
    deps.publish.disconnectParticipant(updated.id);
  }
  return updated;
}
