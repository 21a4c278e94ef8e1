import type { FactPayload, qaFactSchemas, Role } from '@rally/shared';
import type { Clock } from '../../clock.js';
import type { QaStore } from '../../store/qa-store.js';
import type { Store } from '../../store/store.js';
import type { EngagementPort } from '../engagement/record.js';
import { MODERATOR_ROLES } from '../ports.js';

/** Q&A's own facts, and stage:changed: taking a question off the stage moves the stage slot ([STAGE33]). */
type QaFactName = keyof typeof qaFactSchemas | 'stage:changed';
type QaFactPayload<N extends QaFactName> = FactPayload<N>;

/** The part of the Publisher port Q&A uses, typed by its own facts. */
export interface QaPublisher {
  toEvent<N extends QaFactName>(eventId: string, fact: N, payload: QaFactPayload<N>): void;
  toRoles<N extends QaFactName>(eventId: string, roles: readonly Role[], fact: N, payload: QaFactPayload<N>): void;
  toParticipant<N extends QaFactName>(participantId: string, fact: N, payload: QaFactPayload<N>): void;
}

/**
 * [QA20] A participant's budget for asking. The realtime layer backs it with a rate limiter
 * (shared through Redis in cluster mode); it throws RallyError RATE_LIMITED when spent.
 */
export interface AskBudget {
  consume(participantId: string): Promise<void>;
}

/** [QA4] Which breakout room a participant is in now, if any (the breakouts capability answers). */
export interface BreakoutLocator {
  roomOf(eventId: string, participantId: string): Promise<string | null>;
}

/** What every Q&A operation needs: the shape of DomainDeps, narrowed to what Q&A touches. */
export interface QaDeps {
  store: QaStore & Pick<Store, 'getEvent' | 'getParticipant' | 'setOnStage' | 'hotParticipant' | 'recalledCommand'>;
  clock: Clock;
  publish: QaPublisher;
  /** [ENG1] Where asking and upvoting are recorded. */
  engagement?: EngagementPort;
}

/** [QA17] What moving the highlight alone needs (the stage's session change uses it too). */
export interface HighlightDeps {
  store: Pick<QaStore, 'getQuestion' | 'setHighlighted'>;
  publish: { toEvent(eventId: string, fact: 'question:highlighted', payload: FactPayload<'question:highlighted'>): void };
}

/** Asking needs more: the ask budget and, once breakouts exist, where the asker is. */
export interface AskDeps extends QaDeps {
  askBudget: AskBudget;
  /** Absent until breakout rooms exist: every question is then from the room or remote. */
  breakouts?: BreakoutLocator;
}

/** Who runs the queue and sees every question: the event's moderators and organisers. */
export const QA_MODERATOR_ROLES = MODERATOR_ROLES;
/** Who sees approved and answered questions only (plus, for an attendee, their own). */
export const QA_AUDIENCE_ROLES = ['attendee', 'presenter', 'screen'] as const satisfies readonly Role[];

/** The principal a command comes from, or a view is built for. */
export interface Viewer {
  id: string;
  role: Role;
}
