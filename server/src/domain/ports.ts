import type { FactName, FactPayload, Role } from '@rally/shared';
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';

/**
 * How domain code tells clients about facts without knowing Socket.IO. The realtime layer
 * implements it with rooms, so a publish reaches the sockets of every node.
 */
export interface Publisher {
  toEvent<N extends FactName>(eventId: string, fact: N, payload: FactPayload<N>): void;
  toRoles<N extends FactName>(eventId: string, roles: readonly Role[], fact: N, payload: FactPayload<N>): void;
  toParticipant<N extends FactName>(participantId: string, fact: N, payload: FactPayload<N>): void;
  /** Closes every socket of a participant, on every node (ban). */
  disconnectParticipant(participantId: string): void;
  /** Closes every socket of these roles in an event, on every node (key rotation). */
  disconnectRoles(eventId: string, roles: readonly Role[]): void;
}

export interface DomainDeps {
  store: Store;
  clock: Clock;
  publish: Publisher;
}

/** Roles that see the live presence of an event. */
export const STAFF_ROLES = ['moderator', 'admin', 'presenter', 'screen'] as const satisfies readonly Role[];
export const MODERATOR_ROLES = ['moderator', 'admin'] as const satisfies readonly Role[];
