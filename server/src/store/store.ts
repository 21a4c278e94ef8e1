import type { AgendaSession, EventSettings, Mode, Participant } from '@rally/shared';

/** The secret keys inside the presenter, moderator and stage links. */
export interface RoleKeys {
  presenter: string;
  moderator: string;
  stage: string;
}

/** An event as stored: the public part plus its secrets. */
export interface EventRecord {
  id: string;
  code: string;
  name: string;
  teams: string[];
  agenda: AgendaSession[];
  liveSessionId: string | null;
  settings: EventSettings;
  createdAt: string;
  keys: RoleKeys;
  /** Bumped on every key rotation; privileged tokens carry it, so rotating revokes them. */
  keyGeneration: number;
}

export interface ParticipantPatch {
  name?: string;
  team?: string | null;
  mode?: Mode;
  banned?: boolean;
}

export interface PresenceChange {
  /** True when this socket is the participant's first open one (they just came online). */
  changed: boolean;
}

/**
 * The storage port. Both adapters (SQLite, Redis) implement it and pass one contract suite
 * (server/test/store/store-contract.ts). Every method that changes state is atomic on its own: a
 * transaction in SQLite, a single command or Lua script in Redis, so two nodes can never interleave
 * inside one transition.
 */
export interface Store {
  readonly kind: 'sqlite' | 'redis';

  /** Throws RallyError CONFLICT when the id or the join code is already taken. */
  createEvent(event: EventRecord): Promise<void>;
  getEvent(id: string): Promise<EventRecord | null>;
  getEventByCode(code: string): Promise<EventRecord | null>;
  listEvents(): Promise<EventRecord[]>;
  /** Returns the updated event, or null when it does not exist. */
  setLiveSession(eventId: string, sessionId: string | null): Promise<EventRecord | null>;
  /** Replaces the role keys and bumps keyGeneration; returns the updated event or null. */
  rotateKeys(eventId: string, keys: RoleKeys): Promise<EventRecord | null>;

  /** Throws RallyError CONFLICT when the id is taken. */
  createParticipant(p: Participant): Promise<void>;
  getParticipant(id: string): Promise<Participant | null>;
  /** Applies only the fields present in the patch; returns the result or null when unknown. */
  updateParticipant(id: string, patch: ParticipantPatch): Promise<Participant | null>;
  listParticipants(eventId: string): Promise<Participant[]>;

  /**
   * Presence is per socket, so several tabs of one participant count once and closing one tab
   * does not take them offline. nodeId lets a restarted node clear what it held before.
   */
  presenceAdd(eventId: string, participantId: string, socketId: string, nodeId: string): Promise<PresenceChange>;
  presenceRemove(eventId: string, participantId: string, socketId: string): Promise<PresenceChange>;
  /** Ids of participants with at least one open socket. */
  presenceOnline(eventId: string): Promise<string[]>;
  /** Forgets every socket a node held (called at boot: a crashed node's sockets are gone). */
  presenceClearNode(nodeId: string): Promise<void>;

  /**
   * Command idempotency: the first result stored under a key wins and is kept for ttlSeconds.
   * Returns the stored result (which is the given one when this call stored it).
   */
  rememberCommand<T>(key: string, result: T, ttlSeconds: number): Promise<T>;
  recalledCommand<T>(key: string): Promise<T | undefined>;

  /** Resolves when the backing store answers; used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
