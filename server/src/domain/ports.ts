import type { FactName, FactPayload, Mode, Role } from '@rally/shared';
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import type { Audience, StageServices } from './stage/deps.js';
import type { EngagementService } from './engagement/service.js';
import type { PresenceFeed } from './presence-feed.js';
import type { BreakoutMedia, BreakoutRoomRef } from './breakout/video-deps.js';

/**
 * How domain code tells clients about facts without knowing Socket.IO. The realtime layer
 * implements it with rooms, so a publish reaches the sockets of every node.
 */
/** [BRK25] One participant's sockets into `roomId` (null: out of the breakouts), out of `leave`. */
export interface BreakoutMove {
  participantId: string;
  roomId: string | null;
  leave: readonly string[];
}

/** [BRK86] Which round's assignments some moves were read from, and their placement number then. */
export interface MovesOrder {
  roundId: string;
  seq: number;
}

/**
 * [BRK46] A breakout place's video token, signed by the node that delivers the place to that
 * participant's sockets (each node its own), not by the node that placed everyone: a round opening
 * for 10,000 would otherwise sign 10,000 tokens on one node before the other nodes hear of anyone.
 * The token is the member's of that room ([BRK45]); a node without LiveKit, or a failed signing,
 * leaves `video` out (the client then asks with `breakout:videoToken`).
 */
export interface PlaceVideo {
  room: BreakoutRoomRef;
  /** The participant's display name in the call. */
  name: string;
}

/** One participant's personal fact: its payload, and for a breakout place the video token its delivering node adds as `video`. */
export interface PersonalItem<P> {
  participantId: string;
  payload: P;
  video?: PlaceVideo;
}

export interface Publisher {
  toEvent<N extends FactName>(eventId: string, fact: N, payload: FactPayload<N>): void;
  /** `outsideBreakouts`: not to sockets in a breakout room of the event ([BRK85]: their places carried it). */
  toRoles<N extends FactName>(eventId: string, roles: readonly Role[], fact: N, payload: FactPayload<N>, opts?: { outsideBreakouts?: boolean }): void;
  toParticipant<N extends FactName>(participantId: string, fact: N, payload: FactPayload<N>): void;
  /**
   * [CLU5] One fact to each of many participants, each with its own payload (a quiz reveal's
   * results): as toParticipant for each, but in a cluster it crosses to the other nodes as one
   * message per batch, not one per participant. Not replayed by recovery: use it only for facts the
   * snapshot also carries.
   */
  toParticipants<N extends FactName>(fact: N, items: readonly PersonalItem<FactPayload<N>>[]): void;
  /** [STAGE16] To the union of some roles, cohorts and the breakout rooms of an event, each socket once. */
  toAudience<N extends FactName>(eventId: string, audience: Audience, fact: N, payload: FactPayload<N>): void;
  /** [STAGE16] Moves a participant's sockets, on every node, into the room of their new mode. */
  setMode(eventId: string, participantId: string, mode: Mode): void;
  /**
   * [BRK11] [BRK25] A round's places. First each participant of `moves` has their sockets, on every
   * node, put in one breakout room of the event (and the event's breakouts room), leaving the other
   * rooms listed; null: out of every listed room and the breakouts room (`moves` null: nobody moves).
   * Then each participant of `places` gets theirs as `breakout:assigned`, after their move on every
   * node. [CLU5] In a cluster, moves and places cross to the other nodes as one message per batch,
   * not one per participant, and [BRK46] the other nodes get theirs first: they leave before this
   * node moves and writes its own (10,000 keep a node busy for about a second, and the other nodes
   * would otherwise hear of their people only after it). Resolves when this node's are written;
   * the caller awaits it, so what it publishes next still follows. Not replayed by recovery: the
   * snapshot carries each place. [BRK86] `order`: on each node, a participant's sockets do not take
   * a move of the round older (a lower number) than the last one they took: it arrived late.
   */
  placeInBreakoutRooms(eventId: string, moves: readonly BreakoutMove[] | null, places: readonly PersonalItem<FactPayload<'breakout:assigned'>>[], order?: MovesOrder): Promise<void>;
  /** [BRK25] Every socket in the event's breakout rooms leaves them (the round closed). */
  clearBreakoutRooms(eventId: string, roomIds: readonly string[]): void;
  /** [BRK25] To every socket in one breakout room of the event, on every node. */
  toBreakoutRoom<N extends FactName>(eventId: string, roomId: string, fact: N, payload: FactPayload<N>): void;
  /** Closes every socket of a participant, on every node (ban). */
  disconnectParticipant(participantId: string): void;
  /** Closes every socket of these roles in an event, on every node (key rotation). */
  disconnectRoles(eventId: string, roles: readonly Role[]): void;
}

export interface DomainDeps {
  store: Store;
  clock: Clock;
  publish: Publisher;
  /** [ENG1] Where interactions are recorded; absent in domain tests that do not look at engagement. */
  engagement?: EngagementService;
  /** [PRES4] The node's presence coalescer; absent in domain tests, which then see one fact per change. */
  presenceFeed?: PresenceFeed;
  /** [BRK40] Breakout rooms' video calls (LiveKit); absent in domain tests, which then have no video. */
  breakoutMedia?: BreakoutMedia;
  /** [BRK26] This node's breakout round timers; absent in domain tests, which tick rounds themselves. */
  breakoutTimers?: BreakoutTimers;
}

/** [BRK26] Asks this node to look at a round again at a time (its end, or the end of its close countdown). */
export interface BreakoutTimers {
  at(roundId: string, atMs: number): void;
}

/**
 * What the stage adds for the code paths that need it (commands, connections, snapshots, joins):
 * room codes, LiveKit, reaction bursts, budgets and the engagement log, built once by createApp.
 */
export type WithStage<T> = T & { stage: StageServices };

/** Roles that see the live presence of an event. */
export const STAFF_ROLES = ['moderator', 'admin', 'presenter', 'screen'] as const satisfies readonly Role[];
export const MODERATOR_ROLES = ['moderator', 'admin'] as const satisfies readonly Role[];
