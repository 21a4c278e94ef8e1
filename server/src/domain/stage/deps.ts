import type { FactPayload, Mode, Reaction, Role, stageFactSchemas, stageSlotFactSchemas, StreamToken } from '@rally/shared';
import type { Clock } from '../../clock.js';
import type { StageStore } from '../../store/stage-store.js';
import type { Store } from '../../store/store.js';
import type { EngagementLog } from '../engagement/log.js';
import type { AttendanceGrace } from './attendance-grace.js';
import type { RoomCodes } from './room-code.js';

/** The facts the stage sends: its own, and event:updated for stream, branding and agenda changes. */
export type StageFactName = keyof typeof stageFactSchemas | keyof typeof stageSlotFactSchemas | 'event:updated' | 'question:highlighted';
type StageFactPayload<N extends StageFactName> = FactPayload<N>;

/**
 * [STAGE16] Who a fact is for, beyond whole events and roles: the union of these groups, each
 * socket once. Modes are the participants' cohorts (their sockets sit in a per-mode room that
 * follows mode changes); breakouts are the sockets in any breakout room of the event.
 */
export interface Audience {
  roles: readonly Role[];
  modes: readonly Mode[];
  breakouts: boolean;
}

/** The part of the Publisher port the stage uses, typed by its own facts. */
export interface StagePublisher {
  toEvent<N extends StageFactName>(eventId: string, fact: N, payload: StageFactPayload<N>): void;
  toRoles<N extends StageFactName>(eventId: string, roles: readonly Role[], fact: N, payload: StageFactPayload<N>): void;
  toParticipant<N extends StageFactName>(participantId: string, fact: N, payload: StageFactPayload<N>): void;
  toAudience<N extends StageFactName>(eventId: string, audience: Audience, fact: N, payload: StageFactPayload<N>): void;
  /** Moves the participant's sockets, on every node, to the per-mode room of `mode`. */
  setMode(eventId: string, participantId: string, mode: Mode): void;
}

/** A per-key budget (a rate limit); the realtime layer backs it, shared through Redis in cluster mode. */
export interface Budget {
  take(key: string): Promise<{ ok: true } | { ok: false; retryAfterMs: number }>;
}

/** A budget spent only by failures: `blocked` asks without spending, `fail` spends one. */
export interface FailureBudget {
  blockedFor(key: string): Promise<number>;
  fail(key: string): Promise<void>;
}

export interface StageBudgets {
  /** [STAGE14] Reactions per participant. */
  reactions: Budget;
  /** [STAGE21] Chat messages per participant. */
  chat: Budget;
  /** [STAGE12] [STAGE13] Wrong room codes per client address (join) or participant (switch). */
  roomCodeFailures: FailureBudget;
}

/** [STAGE3] Subscribe-only tokens for the stage room; `configured` is false without LiveKit. */
export interface StageMedia {
  readonly configured: boolean;
  /** Throws RallyError UNAVAILABLE when LiveKit is not configured. */
  subscriberToken(input: { roomName: string; identity: string; name: string }): Promise<StreamToken>;
}

/** [STAGE15] Where reactions go to be coalesced into bursts (per node). */
export interface ReactionSink {
  add(eventId: string, emoji: Reaction, cohort: Mode): void;
}

/** What the stage needs besides the store, built once by the composition root. */
export interface StageServices {
  roomCodes: RoomCodes;
  /** Base of join links (the QR target). */
  publicUrl: string;
  media: StageMedia;
  reactions: ReactionSink;
  budgets: StageBudgets;
  engagement: EngagementLog;
  /** [STAGE46] This node’s attendees within their reconnection grace; without it (domain tests), a closed last socket is a `left` at once. */
  attendance?: AttendanceGrace;
}

export type StageStoreDeps = StageStore &
  Pick<Store, 'getEvent' | 'getParticipant' | 'hotParticipant' | 'claimReaction' | 'releaseReaction' | 'listParticipants' | 'presenceOnline' | 'presenceIsOnline' | 'listPolls' | 'listQuestions' | 'getPoll' | 'getQuestion' | 'setHighlighted'>;

export interface StageDeps {
  store: StageStoreDeps;
  clock: Clock;
  publish: StagePublisher;
  stage: StageServices;
}

/** Who receives presenter notes and their read receipts. */
export const NOTE_ROLES = ['presenter', 'moderator', 'admin'] as const satisfies readonly Role[];
export const STAGE_MODERATOR_ROLES = ['moderator', 'admin'] as const satisfies readonly Role[];
