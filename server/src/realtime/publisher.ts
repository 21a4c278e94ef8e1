import type { Server } from 'socket.io';
import type { ClientToServerEvents, Role, ServerToClientEvents, SocketData } from '@rally/shared';
import type { Publisher } from '../domain/ports.js';

export type RallyServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Room names. Rooms reach every node through the adapter, so publishing never needs to know where a socket is. */
export const rooms = {
  event: (eventId: string) => `ev:${eventId}`,
  role: (eventId: string, role: Role) => `ev:${eventId}:${role}`,
  participant: (participantId: string) => `p:${participantId}`,
};

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
    disconnectParticipant(participantId) {
      io.in(rooms.participant(participantId)).disconnectSockets(true);
    },
    disconnectRoles(eventId, roles) {
      io.in(roles.map((r) => rooms.role(eventId, r))).disconnectSockets(true);
    },
  };
}
