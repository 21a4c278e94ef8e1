import type { Scorecard, Takeaway } from '@rally/shared';

/*
 * One order for what the room adapters list, so both stores (and the contract suite) agree:
 * SQLite keeps insertion order, Redis hashes keep none.
 */

/** [BSTORE20] A room keeps this many of its latest chat messages; older ones drop off. */
export const ROOM_CHAT_KEEP = 200;

/** [BSTORE21] Takeaways by submission time, then room id. */
export const compareTakeaways = (a: Takeaway, b: Takeaway): number => a.at.localeCompare(b.at) || a.roomId.localeCompare(b.roomId);

/** [BSTORE22] Scorecards by rotation, then room, then submission time, then scorer. */
export const compareScorecards = (a: Scorecard, b: Scorecard): number =>
  a.rotation - b.rotation || a.roomId.localeCompare(b.roomId) || a.at.localeCompare(b.at) || a.scorerId.localeCompare(b.scorerId);
