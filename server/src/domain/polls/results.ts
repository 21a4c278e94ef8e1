import {
  POLL_LIMITS,
  average,
  npsBreakdown,
  participationRate,
  topWords,
  type CohortCounts,
  type Poll,
  type PollResults,
} from '@rally/shared';
import type { PollTally, Store, StoredAnswer } from '../../store/store.js';
import { parseTally } from './tally-keys.js';
import { answersInOrder } from './answer-order.js';

export interface Wall {
  entries: { id: string; text: string; author: string | null }[];
  approved: number;
}

const zero = (): CohortCounts => ({ room: 0, remote: 0 });

/**
 * [PRES3] Attendees present now, per cohort (staff and the stage screen are not the audience).
 * [STORE36] Kept by the store as presence changes, so this is O(1) and fine on every tick and snapshot.
 */
export async function presentAttendees(store: Pick<Store, 'presenceCounts'>, eventId: string): Promise<CohortCounts> {
  return store.presenceCounts(eventId);
}

/**
 * [POLL18]–[POLL21] Results of a poll from its counters. Pure: the same tally gives the same
 * results on every node. A closed poll uses the attendees present when it closed.
 */
export function buildResults(poll: Poll, tally: PollTally, presentNow: CohortCounts, wall: Wall | null): PollResults {
  const t = parseTally(tally.counters);
  const present = poll.state === 'closed' && poll.presentAtClose ? poll.presentAtClose : presentNow;
  const base = {
    pollId: poll.id,
    version: tally.version,
    state: tally.state,
    totals: t.voters,
    present,
    participation: { room: participationRate(t.voters.room, present.room), remote: participationRate(t.voters.remote, present.remote) },
  };
  const perValue = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => ({ value: from + i, ...(t.values.get(from + i) ?? zero()) }));

  switch (poll.kind) {
    case 'single':
    case 'multiple':
      return { ...base, kind: poll.kind, options: poll.options.map((o) => ({ optionId: o.id, ...(t.options.get(o.id) ?? zero()) })) };
    case 'rating': {
      const distribution = perValue(1, poll.scale);
      const avg = (pick: (d: (typeof distribution)[number]) => number) => average(distribution.map((d) => ({ value: d.value, count: pick(d) })));
      return {
        ...base,
        kind: 'rating',
        scale: poll.scale,
        distribution,
        average: { room: avg((d) => d.room), remote: avg((d) => d.remote), all: avg((d) => d.room + d.remote) },
      };
    }
    case 'nps': {
      const distribution = perValue(0, 10);
      const nps = (pick: (d: (typeof distribution)[number]) => number) => npsBreakdown(distribution.map((d) => ({ value: d.value, count: pick(d) })));
      return { ...base, kind: 'nps', distribution, nps: { room: nps((d) => d.room), remote: nps((d) => d.remote), all: nps((d) => d.room + d.remote) } };
    }
    case 'wordcloud': {
      const words = [...t.words].map(([text, c]) => ({ text, count: c.room + c.remote, room: c.room, remote: c.remote }));
      return { ...base, kind: 'wordcloud', words: topWords(words, POLL_LIMITS.wordCloudTop) };
    }
    case 'open':
      return { ...base, kind: 'open', entries: wall?.entries ?? [], approved: wall?.approved ?? 0 };
  }
}

/** Names of the authors of some answers, or none for an anonymous poll. */
export async function authorNames(store: Store, poll: Poll, answers: readonly StoredAnswer[]): Promise<Map<string, string>> {
  if (poll.settings.anonymous) return new Map();
  const ids = [...new Set(answers.map((a) => a.participantId))];
  const people = await Promise.all(ids.map((id) => store.getParticipant(id)));
  return new Map(people.flatMap((p) => (p ? [[p.id, p.name] as const] : [])));
}

/** [POLL17] The approved answers, most recent POLL_LIMITS.wallEntries of them, oldest first. */
export async function loadWall(store: Store, poll: Poll): Promise<Wall> {
  const approved = (await store.listAnswers(poll.id)).filter((a) => a.status === 'approved');
  // [SEC23] The most recent ones; an anonymous poll's listed by minute and text, not as they came.
  const shown = answersInOrder(poll, approved.slice(-POLL_LIMITS.wallEntries));
  const names = await authorNames(store, poll, shown);
  return { entries: shown.map((a) => ({ id: a.id, text: a.text, author: names.get(a.participantId) ?? null })), approved: approved.length };
}

/**
 * Reads what buildResults needs. `present` may be passed in when the caller already has it
 * (the ticker caches it per event); otherwise it is read only if the poll is still live.
 */
export async function loadResults(store: Store, poll: Poll, present?: CohortCounts): Promise<PollResults | null> {
  return poll.state === 'closed' ? closedResults(store, poll, present) : tallyResults(store, poll, present);
}

/**
 * [POLL26] A closed poll's results are final (votes after close are refused, so its counters are
 * frozen) and stored with it: snapshots and reveals read them instead of re-tallying every closed
 * poll of the event on every reconnect (docs/PERFORMANCE.md, B8). The first read after the close
 * (closeIfLive's, right after winning the transition) tallies and stores them; a poll closed
 * before this existed, or whose write was lost in a crash, is tallied once the same way. Any two
 * writers build the same results, and the store keeps the first.
 *
 * Not stored: the version (reveal and moderation bump it after close; the store returns the
 * current one) and an open poll's wall (moderation goes on after close, and a privacy deletion
 * renames authors, [ENG18]), which is read live as before.
 */
async function closedResults(store: Store, poll: Poll, present?: CohortCounts): Promise<PollResults | null> {
  const stored = await store.getFinalResults(poll.id);
  if (!stored) {
    const results = await tallyResults(store, poll, present);
    // Without presentAtClose (very old polls) the participation follows presence now: not final.
    if (results && results.state === 'closed' && poll.presentAtClose) {
      await store.putFinalResults(poll.id, results.kind === 'open' ? { ...results, entries: [], approved: 0 } : results);
    }
    return results;
  }
  const results: PollResults = { ...stored.results, version: stored.version };
  if (results.kind !== 'open') return results;
  const wall = await loadWall(store, poll);
  return { ...results, entries: wall.entries, approved: wall.approved };
}

/** Builds results from the poll's counters as they are now. */
async function tallyResults(store: Store, poll: Poll, present?: CohortCounts): Promise<PollResults | null> {
  const [tally, wall, presentNow] = await Promise.all([
    store.getTally(poll.id),
    poll.kind === 'open' ? loadWall(store, poll) : Promise.resolve(null),
    present ?? (poll.state === 'closed' && poll.presentAtClose ? Promise.resolve(poll.presentAtClose) : presentAttendees(store, poll.eventId)),
  ]);
  return tally ? buildResults(poll, tally, presentNow, wall) : null;
}
