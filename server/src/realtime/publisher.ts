import type { Server } from 'socket.io';
import type { ClientToServerEvents, Mode, Role, ServerToClientEvents, SocketData } from '@rally/shared';
import type { Publisher } from '../domain/ports.js';

export type RallyServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Room names. Rooms reach every node through the adapter, so publishing never needs to know where a socket is. */
export const rooms = {
  event: (eventId: string) => `ev:${eventId}`,
  role: (eventId: string, role: Role) => `ev:${eventId}:${role}`,
  participant: (participantId: string) => `p:${participantId}`,
  /** [STAGE16] Every socket of the event's participants in that mode; sockets move when the mode changes. */
  mode: (eventId: string, mode: Mode) => `ev:${eventId}:mode:${mode}`,
  /** [STAGE16] Sockets in any breakout room of the event (joined by the breakouts capability). */
  breakouts: (eventId: string) => `ev:${eventId}:breakouts`,
};

const OTHER_MODE: Record<Mode, Mode> = { room: 'remote', remote: 'room' };

export function ioPublisher(io: RallyServer): Publisher {
  return {
    toEvent(eventId, fact, payload) {
      (io.to(rooms.event(eventId)).emit as (e: string, p: unknown) => void)(fact, payload);
    },
    toRoles(eventId, roles, fact, payload) {
      // One emit to the union of rooms: a socket in two of them still gets the fact once.
      (io.to(roles.map((r) => rooms.role(eventId, r))).emit as (e: string, p: unknown) => void)(fact, payload);
    },
    toParticipant(participantId, fact, payload) {
      (io.to(rooms.participant(participantId)).emit as (e: string, p: unknown) => void)(fact, payload);
    },
    toAudience(eventId, audience, fact, payload) {
      const targets = [
        ...audience.roles.map((r) => rooms.role(eventId, r)),
        ...audience.modes.map((m) => rooms.mode(eventId, m)),
        ...(audience.breakouts ? [rooms.breakouts(eventId)] : []),
      ];
      if (targets.length > 0) (io.to(targets).emit as (e: string, p: unknown) => void)(fact, payload);
    },
    setMode(eventId, participantId, mode) {
      // Through the adapter, so the participant's sockets move on whichever nodes hold them.
      io.in(rooms.participant(participantId)).socketsLeave(rooms.mode(eventId, OTHER_MODE[mode]));
      io.in(rooms.participant(participantId)).socketsJoin(rooms.mode(eventId, mode));
    },
    disconnectParticipant(participantId) {
      io.in(rooms.participant(participantId)).disconnectSockets(true);
    },
    disconnectRoles(eventId, roles) {
      io.in(roles.map((r) => rooms.role(eventId, r))).disconnectSockets(true);
    },
  };
}
