import { participationRate, topWords, type CohortCounts, type Poll, type PollResults, type VoteInput } from '@rally/shared';
import type { EventRecord, Store } from '../../store/store.js';
import { buildResults, presentAttendees } from './results.js';
import { answersInOrder } from './answer-order.js';
import { parseTally } from './tally-keys.js';

export type ExportCell = string | number | null;

/**
 * [POLL25] One tidy table for every launched poll of an event: filter on row_type in a
 * spreadsheet. Aggregate rows fill item/room/remote/total; `vote` rows (named polls only) fill
 * participant/team/mode/answer. Anonymous polls never have vote rows, and their open-text
 * answers carry no author.
 */
export const EXPORT_COLUMNS = [
  'poll_id',
  'session_id',
  'poll_order',
  'question',
  'kind',
  'state',
  'anonymous',
  'row_type',
  'item',
  'room',
  'remote',
  'total',
  'participant',
  'team',
  'mode',
  'answer',
] as const;

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

function answerText(poll: Poll, vote: VoteInput): string {
  const label = (id: string) => (poll.kind === 'single' || poll.kind === 'multiple' ? (poll.options.find((o) => o.id === id)?.label ?? id) : id);
  switch (vote.kind) {
    case 'single':
      return label(vote.optionId);
    case 'multiple':
      return vote.optionIds.map(label).join('; ');
    case 'rating':
    case 'nps':
      return String(vote.value);
    case 'wordcloud':
    case 'open':
      return vote.text;
  }
}

export async function exportRows(store: Store, event: EventRecord): Promise<ExportCell[][]> {
  const polls = (await store.listPolls(event.id)).filter((p) => p.state !== 'draft');
  const people = new Map((await store.listParticipants(event.id)).map((p) => [p.id, p]));
  const presentNow: CohortCounts = polls.some((p) => p.state === 'live') ? await presentAttendees(store, event.id) : { room: 0, remote: 0 };
  const rows: ExportCell[][] = [[...EXPORT_COLUMNS]];

  for (const poll of polls) {
    const tally = await store.getTally(poll.id);
    if (!tally) continue;
    const head: ExportCell[] = [poll.id, poll.sessionId, poll.order, poll.question, poll.kind, tally.state, poll.settings.anonymous ? 'yes' : 'no'];
    const agg = (rowType: string, item: string | number, c: { room: number; remote: number }, total = c.room + c.remote) =>
      rows.push([...head, rowType, item, c.room, c.remote, total, null, null, null, null]);
    const results: PollResults = buildResults(poll, tally, presentNow, null);
    const t = results.totals;
    const p = results.present;
    agg('participation', 'voters', t);
    agg('participation', 'present', p);
    agg('participation', 'rate', { room: round4(results.participation.room), remote: round4(results.participation.remote) }, round4(participationRate(t.room + t.remote, p.room + p.remote)));

    switch (results.kind) {
      case 'single':
      case 'multiple': {
        const labels = new Map(poll.kind === 'single' || poll.kind === 'multiple' ? poll.options.map((o) => [o.id, o.label]) : []);
        for (const o of results.options) agg('option', labels.get(o.optionId) ?? o.optionId, o);
        break;
      }
      case 'rating':
        for (const d of results.distribution) agg('value', d.value, d);
        rows.push([...head, 'average', 'average', results.average.room, results.average.remote, results.average.all, null, null, null, null]);
        break;
      case 'nps':
        for (const d of results.distribution) agg('value', d.value, d);
        for (const part of ['promoters', 'passives', 'detractors', 'score'] as const) {
          rows.push([...head, 'nps', part, results.nps.room[part], results.nps.remote[part], results.nps.all[part], null, null, null, null]);
        }
        break;
      case 'wordcloud': {
        // Every word, not only the cloud's top ones; filtered entries were never counted as words.
        const words = [...parseTally(tally.counters).words].map(([text, c]) => ({ text, count: c.room + c.remote, ...c }));
        for (const w of topWords(words, Number.MAX_SAFE_INTEGER)) agg('word', w.text, w);
        break;
      }
      case 'open': {
        const answers = answersInOrder(poll, (await store.listAnswers(poll.id)).filter((a) => a.status === 'approved'));
        const votes = new Map((await store.listVotes(poll.id)).map((v) => [v.answerId, v.cohort]));
        for (const a of answers) {
          const cohort = votes.get(a.id);
          agg('answer', a.text, { room: cohort === 'room' ? 1 : 0, remote: cohort === 'remote' ? 1 : 0 });
        }
        break;
      }
    }

    if (!poll.settings.anonymous) {
      for (const v of await store.listVotes(poll.id)) {
        const who = people.get(v.participantId);
        rows.push([...head, 'vote', null, null, null, null, who?.name ?? null, who?.team ?? null, v.cohort, answerText(poll, v.vote)]);
      }
    }
  }
  return rows;
}
