import type { QuizResultEntry, QuizResultsPage, TopicAccuracy } from '@rally/shared';
import type { DomainDeps } from '../ports.js';
import { quizRuns, rowsOf, runPlayers, topicAccuracy, type AnswerRow, type RunPlayer } from './reinforcement.js';

/*
 * [QUIZ47] Quiz results per participant: points, rank and accuracy per topic, in the live run and
 * in the reinforcement run. One table for the CSV and XLSX files and the paged REST API.
 */

/** Every participant who answered in either run, by participant id (the REST cursor's order). */
export async function quizResults(deps: Pick<DomainDeps, 'store'>, eventId: string, quizId: string): Promise<{ topics: string[]; entries: QuizResultEntry[] }> {
  const runs = await quizRuns(deps, eventId, quizId);
  const [live, later] = await Promise.all([
    runPlayers(deps, runs.live && { eventId, runId: runs.live.runId }),
    runPlayers(deps, runs.reinforcement && { eventId, runId: runs.reinforcement.runId }),
  ]);
  const ids = [...new Set([...live.keys(), ...later.keys()])].sort();
  const people = await Promise.all(ids.map((id) => deps.store.getParticipant(id)));
  const liveRows = rowsOf(live, runs.topicOf);
  const laterRows = rowsOf(later, runs.topicOf);
  const side = (player: RunPlayer | undefined, rows: AnswerRow[], id: string) => {
    if (!player) return null;
    const mine = rows.filter((r) => r.participantId === id);
    return { points: player.total, rank: player.rank, topics: runs.topics.map((topic) => ({ topic, ...topicAccuracy(mine, topic) })) };
  };
  const entries = ids.map((id, i) => ({
    participantId: id,
    name: people[i]?.name ?? '',
    team: people[i]?.team ?? null,
    mode: people[i]?.mode ?? null,
    live: side(live.get(id), liveRows, id),
    later: side(later.get(id), laterRows, id),
  }));
  return { topics: runs.topics, entries };
}

/** [QUIZ47] One page after the cursor (a participant id), as the engagement log pages. */
export async function quizResultsPage(deps: Pick<DomainDeps, 'store'>, eventId: string, quizId: string, after: string | null, limit: number): Promise<QuizResultsPage> {
  const { topics, entries } = await quizResults(deps, eventId, quizId);
  const rest = after === null ? entries : entries.filter((e) => e.participantId > after);
  const page = rest.slice(0, limit);
  const hasMore = rest.length > limit;
  return { topics, entries: page, nextCursor: page.at(-1)?.participantId ?? after, hasMore };
}

const pct = (a: TopicAccuracy | undefined) => (a?.accuracy == null ? null : Math.round(a.accuracy * 1000) / 10);
const topicName = (t: string) => t || '(no topic)';

/** [QUIZ47] The file's table: a header, then one participant a row. */
export function quizResultRows(r: { topics: string[]; entries: QuizResultEntry[] }): (string | number | null)[][] {
  const header = [
    'participant_id',
    'name',
    'team',
    'mode',
    'live_points',
    'live_rank',
    'later_points',
    'later_rank',
    ...r.topics.flatMap((t) => [`live_accuracy_pct:${topicName(t)}`, `later_accuracy_pct:${topicName(t)}`]),
  ];
  return [
    header,
    ...r.entries.map((e) => [
      e.participantId,
      e.name,
      e.team,
      e.mode,
      e.live?.points ?? null,
      e.live?.rank ?? null,
      e.later?.points ?? null,
      e.later?.rank ?? null,
      ...r.topics.flatMap((_, i) => [pct(e.live?.topics[i]), pct(e.later?.topics[i])]),
    ]),
  ];
}
