import type { BreakoutRound, Participant, Scorecard } from '@rally/shared';
import type { BreakoutRoomStore, BreakoutRoundStore } from '../../store/breakout-store.js';
import type { Store } from '../../store/store.js';

/*
 * [BRK52] Scorecards out of Rally: the API (JSON, page by page) and the CSV file, per event,
 * optionally one round. Staff only (the routes check): they name scorers and subjects.
 */

export interface ScorecardExportEntry extends Scorecard {
  roundTitle: string;
  roomName: string;
  scorerName: string | null;
  subjectName: string | null;
  /** The rubric's criterion labels, by id, as authored. */
  criteria: Record<string, string>;
  /** Opaque position: pass it as `after` for the next page. */
  cursor: string;
}

export interface ScorecardPage {
  entries: ScorecardExportEntry[];
  nextCursor: string | null;
  hasMore: boolean;
}

type ExportStore = Pick<BreakoutRoundStore, 'listRounds'> & Pick<BreakoutRoomStore, 'listScorecards'> & Pick<Store, 'listParticipants'>;

// '.' is not an id character, so the parts of a cursor cannot run into each other; the rotation is
// padded so cursors sort as (round, rotation, scorer).
const cursorOf = (c: Scorecard) => `${c.roundId}.${String(c.rotation).padStart(3, '0')}.${c.scorerId}`;
const byCursor = (a: ScorecardExportEntry, b: ScorecardExportEntry) => (a.cursor < b.cursor ? -1 : a.cursor > b.cursor ? 1 : 0);

/** Every scorecard of the event (or of one round), with names, in cursor order. */
export async function scorecardEntries(deps: { store: ExportStore }, eventId: string, roundId?: string): Promise<ScorecardExportEntry[]> {
  const rounds = (await deps.store.listRounds(eventId)).filter((r) => !roundId || r.id === roundId);
  const [people, cards] = await Promise.all([deps.store.listParticipants(eventId), Promise.all(rounds.map((r) => deps.store.listScorecards(r.id)))]);
  const names = new Map(people.map((p: Participant) => [p.id, p.name]));
  return rounds.flatMap((round, i) => cards[i]!.map((c) => entryOf(round, c, names))).sort(byCursor);
}

function entryOf(round: BreakoutRound, c: Scorecard, names: ReadonlyMap<string, string>): ScorecardExportEntry {
  const criteria = round.format.kind === 'open' ? {} : Object.fromEntries(round.format.rubric.map((k) => [k.id, k.label]));
  return {
    ...c,
    roundTitle: round.title,
    roomName: round.rooms.find((r) => r.id === c.roomId)?.name ?? '',
    scorerName: names.get(c.scorerId) ?? null,
    subjectName: names.get(c.subjectId) ?? null,
    criteria,
    cursor: cursorOf(c),
  };
}

/** [BRK52] One page after the cursor, like the other result APIs. */
export function scorecardPage(all: readonly ScorecardExportEntry[], after: string | null, limit: number): ScorecardPage {
  const rest = after === null ? all : all.filter((e) => e.cursor > after);
  const entries = rest.slice(0, limit);
  return { entries, nextCursor: entries.at(-1)?.cursor ?? after, hasMore: rest.length > limit };
}

/** A card's scores in the rubric's order (any criterion the rubric no longer has, last). */
const rubricOrder = (e: ScorecardExportEntry): [string, number][] => {
  const order = Object.keys(e.criteria);
  const rank = (id: string) => (order.indexOf(id) < 0 ? order.length : order.indexOf(id));
  return Object.entries(e.scores).sort(([a], [b]) => rank(a) - rank(b));
};

/** [BRK52] The file: a header, then one line per scorecard and criterion (the comment on each); rotations count from 1. */
export function scorecardRows(all: readonly ScorecardExportEntry[]): (string | number | null)[][] {
  const header = ['round_id', 'round', 'room', 'rotation', 'scorer_id', 'scorer', 'subject_id', 'subject', 'criterion_id', 'criterion', 'score', 'comment', 'at'];
  return [
    header,
    ...all.flatMap((e) =>
      rubricOrder(e).map(([criterionId, score]) => [
        e.roundId,
        e.roundTitle,
        e.roomName,
        e.rotation + 1,
        e.scorerId,
        e.scorerName,
        e.subjectId,
        e.subjectName,
        criterionId,
        e.criteria[criterionId] ?? '',
        score,
        e.comment,
        e.at,
      ]),
    ),
  ];
}
