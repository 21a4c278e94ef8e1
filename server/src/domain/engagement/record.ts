import type { EngagementKind, NewEngagementEntry, Participant } from '@rally/shared';
import type { MomentType } from './webhooks.js';

/**
 * [SEC22] [SEC49] What a withheld entry waits for: its poll or survey to close, stamped with its
 * opening (`startedAt`); or, for an anonymous question, the end of the minute it was asked in,
 * stamped with that minute's start (the question's own `createdAt`). `id` names the hold: the
 * poll's id, the survey's event id, or the event id and the minute.
 */
export type WithheldUntil = { activity: 'poll' | 'survey' | 'minute'; id: string; startedAt: string };

/** What an interaction was about, beyond who did it. */
export interface InteractionDetail {
  /** A poll id, question id, emoji, message id. Leave it out where it would tie a person to an anonymous poll. */
  ref?: string;
  breakoutRoomId?: string;
  /**
   * [ENG19] An anonymous question: the entry carries no participant and no team, so neither the
   * log nor anything folded from it can tie the question to its asker.
   */
  anonymous?: boolean;
  /**
   * [SEC22] An act in an anonymous activity (a vote in an anonymous poll, an anonymous survey's
   * answers): the entry names the person (taking part is not secret) but not when they took part.
   * It is stamped with the activity's start and written only once the activity closed, shuffled
   * with the others of that activity, so neither its time nor its place in the log can be matched
   * to an anonymous answer, a results tick or a dashboard change.
   */
  withheldUntilClosed?: WithheldUntil;
}

/**
 * [ENG1] Only attendees are logged: staff run the event, and the stage screen is a projector.
 * Returns null for anyone else.
 */
export function entryFor(p: Participant, kind: EngagementKind, sessionId: string | null, at: string, detail: InteractionDetail = {}): NewEngagementEntry | null {
  if (p.role !== 'attendee') return null;
  return {
    eventId: p.eventId,
    participantId: detail.anonymous ? null : p.id,
    mode: p.mode,
    team: detail.anonymous ? null : p.team,
    sessionId,
    kind,
    at,
    ...(detail.ref !== undefined ? { ref: detail.ref } : {}),
    ...(detail.breakoutRoomId !== undefined ? { breakoutRoomId: detail.breakoutRoomId } : {}),
  };
}

/**
 * The port the capabilities record through (DomainDeps.engagement). Both calls return at once and
 * never throw: recording must not slow down or fail the interaction it records.
 */
export interface EngagementPort {
  /** [ENG1] Records an attendee's interaction now, in the live session as this node knows it. */
  interacted(p: Participant, kind: EngagementKind, detail?: InteractionDetail): void;
  /** [ENG17] A key moment for the event's webhook, if it has one. */
  moment(eventId: string, type: MomentType, data: unknown): void;
}
