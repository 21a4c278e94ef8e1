import { JoinRequest, type ErrorCode } from '@rally/shared';
import { ApiError } from '../../lib/api';
import { codeProblem } from '../../lib/joinCode';
import { sentence } from '../../lib/text';
import type { Fatal } from '../../lib/rally';
import type { View } from '../../lib/tokens';

/*
 * [UI1] Every message on the way into an event is one sentence: what is wrong, then (after a colon)
 * what to do. A server's or a schema's wording ("key: Too small: expected string…") is for clients
 * and logs; people get these, and only one at a time.
 */

/** How a person calls the screen an organiser link opens. */
export type LinkRole = 'presenter' | 'moderator' | 'stage screen';

export const LINK_ROLE: Record<Exclude<View, 'attendee'>, LinkRole> = { presenter: 'presenter', moderator: 'moderator', stage: 'stage screen' };

// The server's own rule for a key; a key outside it was cut short or mangled on the way.
const KeyShape = JoinRequest.shape.key.unwrap();

/**
 * [UI2] What is wrong with an organiser link before anything is sent: its code is not a join code,
 * or its key is missing or not the shape of a key (a chat or mail client cut the link short).
 */
export function linkProblem(code: string, key: string | null, role: LinkRole): string | null {
  if (codeProblem(code)) return `This ${role} link is broken, “${code}” is not an event code: open the whole link from the organiser again.`;
  if (!key || !KeyShape.safeParse(key).success) return incompleteLink(role);
  return null;
}

const incompleteLink = (role: LinkRole) => `This ${role} link is incomplete: open the whole link from the organiser, including everything after “#key=”.`;

/** [UI3] [UI4] Why joining through an organiser link was refused, and what to do about it. */
export function keyJoinErrorMessage(err: ApiError | null, code: string, role: LinkRole): string {
  switch (err?.code) {
    case 'UNAUTHORIZED':
    case 'FORBIDDEN':
      return `This ${role} link does not work, it was mistyped or replaced by a newer one: ask the organiser for the current ${role} link.`;
    case 'NOT_FOUND':
      return `No event uses the code “${code}”: check that you opened the whole link from the organiser.`;
    case 'BAD_REQUEST':
      // The name was checked before sending; what the server still refuses came from the link.
      return incompleteLink(role);
    default:
      return otherFailure(err);
  }
}

/** The server refused the link itself (its key or its code): joining again through it cannot work. */
export function refusesLink(err: ApiError | null): boolean {
  return err?.code === 'UNAUTHORIZED' || err?.code === 'FORBIDDEN' || err?.code === 'NOT_FOUND' || err?.code === 'BAD_REQUEST';
}

/** [UI4] One wording for "that code does not work", wherever a code is looked up. */
export function lookupErrorMessage(err: ApiError | null, code: string): string {
  if (err?.code === 'NOT_FOUND' || err?.code === 'BAD_REQUEST') return unknownCode(code);
  return otherFailure(err, 'Rally could not look up the event: please try again.');
}

export const unknownCode = (code: string) => `No event uses the code “${code}”: check the code on the stage screen and try again.`;

/** [UI1] An attendee's join refused by the server (the form checked the name, team and mode itself). */
export function joinErrorMessage(err: ApiError | null, code: string): string {
  if (err?.code === 'NOT_FOUND') return unknownCode(code);
  return otherFailure(err);
}

// Codes whose server message is written for the person who sent the request (a wait, a ban, a team).
const SAY_AS_IS = new Set<ErrorCode>(['RATE_LIMITED', 'BANNED', 'UNAVAILABLE', 'INVALID_STATE', 'CONFLICT', 'BAD_REQUEST']);

function otherFailure(err: ApiError | null, fallback = 'Joining failed: please try again.'): string {
  if (err && SAY_AS_IS.has(err.code) && !looksLikeValidation(err.message)) return sentence(err.message);
  return fallback;
}

/** A schema's wording ("name: Too small: expected string to have >=1 characters") is never shown. */
export function looksLikeValidation(message: string): boolean {
  return /^[\w.[\]]+: |expected (string|number|object|array)|too (small|big)|invalid_|[<>]=/i.test(message);
}

/**
 * [UI5] What a screen that was live says when the server stops accepting it: either it has ended
 * for good (`ended`), or the person can join again (`notice`, shown above the join step). Keyed
 * screens lost their key from the address bar when they joined, so they are sent to the organiser.
 */
export function fatalMessage(f: Fatal, view: View): { ended: string } | { notice: string } {
  const role = view === 'attendee' ? null : LINK_ROLE[view];
  const reason = f.kind === 'ended' ? f.reason : f.error.code;
  switch (reason) {
    case 'BANNED':
    case 'banned':
      return { ended: 'A moderator removed you from this event: if you think this is a mistake, talk to the organisers.' };
    case 'NOT_FOUND':
      return { ended: 'This event no longer exists: ask the organiser for a current link.' };
    case 'deleted':
      return { ended: 'The organiser deleted your data from this event: to take part again, join with the event code.' };
    case 'EVENT_ARCHIVED':
    case 'event-archived':
      return { ended: 'This event is over and the organiser archived it: thank you for taking part.' };
    case 'event-deleted':
      return { ended: 'This event is over and the organiser deleted it: thank you for taking part.' };
    case 'keys-rotated':
      return { notice: `The organiser replaced this ${role ?? 'event'} link: ask them for the new one.` };
    default:
      return {
        notice: role
          ? `Your session for this event has expired: open your ${role} link from the organiser again.`
          : 'Your session for this event has expired: join again below.',
      };
  }
}

export function asApiError(err: unknown): ApiError | null {
  return err instanceof ApiError ? err : null;
}
