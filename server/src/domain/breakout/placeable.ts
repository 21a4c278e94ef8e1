import type { Participant, RosterEntry } from '@rally/shared';
import type { Placeable } from './assign.js';

/**
 * [BRK39] What the assignment strategies know of a participant: their mode, and the attributes of
 * their line on the attendee list (found by the email they joined with), or none. The list's team
 * wins over the one picked at join when it names one; no line means empty attributes, not a
 * facilitator and no pre-assigned room.
 */
export function placeableOf(participant: Pick<Participant, 'id' | 'mode' | 'team'>, entry: RosterEntry | null): Placeable {
  return {
    id: participant.id,
    mode: participant.mode,
    team: entry?.team ? entry.team : participant.team,
    region: entry?.region ?? '',
    title: entry?.title ?? '',
    tenure: entry?.tenure ?? '',
    facilitator: entry?.facilitator ?? false,
    rosterRoom: entry?.room ?? '',
  };
}
