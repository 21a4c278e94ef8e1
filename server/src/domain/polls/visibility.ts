import type { Poll, Role } from '@rally/shared';

/** Who authors, runs and always sees polls and their results, drafts included. */
export const POLL_STAFF_ROLES = ['presenter', 'moderator', 'admin'] as const satisfies readonly Role[];
/** Who sees launched polls, and their results only as the poll's visibility allows. */
export const AUDIENCE_ROLES = ['attendee', 'screen'] as const satisfies readonly Role[];

const isStaff = (role: Role) => (POLL_STAFF_ROLES as readonly Role[]).includes(role);

/**
 * [POLL22] The audience sees results when the poll shows them live, after close once it is
 * closed, or once the presenter revealed them. Never for a draft.
 */
export function audienceSeesResults(poll: Poll): boolean {
  if (poll.state === 'draft') return false;
  if (poll.revealed) return true;
  switch (poll.settings.resultsVisibility) {
    case 'live':
      return true;
    case 'after-close':
      return poll.state === 'closed';
    case 'presenter':
      return false;
  }
}

/** [POLL24] Drafts are staff business; launched polls are everyone's. */
export const mayKnowPoll = (role: Role, poll: Poll): boolean => isStaff(role) || poll.state !== 'draft';

export const mayViewResults = (role: Role, poll: Poll): boolean =>
  poll.state !== 'draft' && (isStaff(role) || audienceSeesResults(poll));

/** The role rooms a poll's results go to right now. */
export function resultRoles(poll: Poll): Role[] {
  return audienceSeesResults(poll) ? [...POLL_STAFF_ROLES, ...AUDIENCE_ROLES] : [...POLL_STAFF_ROLES];
}
