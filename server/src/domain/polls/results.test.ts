import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Poll } from '@rally/shared';
import { drafts, pollKit, type PollKit } from '../../../test/helpers/domain-kit.js';
import { buildSnapshot } from '../snapshot.js';
import { createPoll } from './authoring.js';
import { closePoll, launchPoll, revealPoll } from './lifecycle.js';
import { buildResults, loadResults } from './results.js';
import { audienceSeesResults, mayKnowPoll, mayViewResults, resultRoles } from './visibility.js';
import { castVote } from './voting.js';

let k: PollKit;
beforeEach(async () => {
  k = await pollKit();
});
afterEach(() => k.close());

const launched = async (draft: Parameters<typeof createPoll>[3]): Promise<Poll> =>
  launchPoll(k.deps, k.event.id, (await createPoll(k.deps, k.event.id, 'keynote', draft)).id);

describe('results', () => {
  it('[POLL18] results split by cohort: voters, attendees present and participation of each; staff are not the audience', async () => {
    const room = [await k.person(), await k.person(), await k.person(), await k.person()];
    const remote = [await k.person({ mode: 'remote' }), await k.person({ mode: 'remote' })];
    await k.person({ role: 'moderator' });
    await k.person({ role: 'screen' });
    const poll = await launched(drafts.single());
    for (const [i, p] of [room[0]!, room[1]!, remote[0]!].entries()) await castVote(k.deps, k.event.id, p.id, poll.id, { kind: 'single', optionId: i === 1 ? 'o2' : 'o1' });
    const r = await loadResults(k.store, (await k.store.getPoll(poll.id))!);
    expect(r).toMatchObject({
      kind: 'single',
      totals: { room: 2, remote: 1 },
      present: { room: 4, remote: 2 },
      participation: { room: 0.5, remote: 0.5 },
      options: [
        { optionId: 'o1', room: 1, remote: 1 },
        { optionId: 'o2', room: 1, remote: 0 },
        { optionId: 'o3', room: 0, remote: 0 },
      ],
    });
    // A closed poll keeps the presence it closed with, whoever leaves afterwards.
    await closePoll(k.deps, k.event.id, poll.id);
    await k.store.presenceRemove(k.event.id, room[3]!.id, `sock_${room[3]!.id}`);
    expect(await loadResults(k.store, (await k.store.getPoll(poll.id))!)).toMatchObject({ state: 'closed', present: { room: 4, remote: 2 }, participation: { room: 0.5 } });
  });

  it('[POLL19] NPS: promoters 9–10, passives 7–8, detractors 0–6, score per cohort and overall', () => {
    const poll = { id: 'p', state: 'live', kind: 'nps', presentAtClose: null } as unknown as Poll;
    const counters = { 'val:10:room': 3, 'val:9:room': 1, 'val:8:room': 2, 'val:3:room': 2, 'val:0:remote': 1, 'val:9:remote': 1, 'voters:room': 8, 'voters:remote': 2 };
    const r = buildResults(poll, { version: 1, state: 'live', counters }, { room: 10, remote: 10 }, null);
    expect(r.kind === 'nps' && r.nps).toEqual({
      room: { promoters: 4, passives: 2, detractors: 2, score: 25 },
      remote: { promoters: 1, passives: 0, detractors: 1, score: 0 },
      all: { promoters: 5, passives: 2, detractors: 3, score: 20 },
    });
    expect(r.kind === 'nps' && r.distribution).toHaveLength(11);
  });

  it('[POLL20] rating: the distribution over the scale and the average per cohort, null for a cohort without votes', () => {
    const poll = { id: 'p', state: 'live', kind: 'rating', scale: 5, presentAtClose: null } as unknown as Poll;
    const counters = { 'val:5:room': 2, 'val:4:room': 1, 'val:2:room': 1, 'voters:room': 4 };
    const r = buildResults(poll, { version: 3, state: 'live', counters }, { room: 4, remote: 0 }, null);
    expect(r.kind === 'rating' && r.average).toEqual({ room: 4, remote: null, all: 4 });
    expect(r.kind === 'rating' && r.distribution.map((d) => d.value)).toEqual([1, 2, 3, 4, 5]);
    expect(r.participation).toEqual({ room: 1, remote: 0 });
  });

  it('[POLL21] the word cloud shows the 50 most frequent words, ties alphabetical', () => {
    const poll = { id: 'p', state: 'live', kind: 'wordcloud', presentAtClose: null } as unknown as Poll;
    const counters: Record<string, number> = { 'voters:room': 0 };
    for (let i = 0; i < 60; i++) counters[`word:w${String(i).padStart(2, '0')}:room`] = i < 5 ? 10 - i : 1;
    counters['word:a:b:remote'] = 1; // a word containing ':'
    const r = buildResults(poll, { version: 1, state: 'live', counters }, { room: 0, remote: 0 }, null);
    if (r.kind !== 'wordcloud') throw new Error('kind');
    expect(r.words).toHaveLength(50);
    expect(r.words.slice(0, 6).map((w) => w.text)).toEqual(['w00', 'w01', 'w02', 'w03', 'w04', 'a:b']);
  });
});

describe('visibility', () => {
  it('[POLL22] the audience sees results live, after close, or once revealed, as the poll says; staff always do', async () => {
    const at = (resultsVisibility: Poll['settings']['resultsVisibility'], state: Poll['state'], revealed = false) =>
      ({ state, revealed, settings: { resultsVisibility } }) as Poll;
    expect(audienceSeesResults(at('live', 'live'))).toBe(true);
    expect(audienceSeesResults(at('live', 'draft'))).toBe(false);
    expect(audienceSeesResults(at('after-close', 'live'))).toBe(false);
    expect(audienceSeesResults(at('after-close', 'closed'))).toBe(true);
    expect(audienceSeesResults(at('after-close', 'live', true))).toBe(true);
    expect(audienceSeesResults(at('presenter', 'closed'))).toBe(false);
    expect(audienceSeesResults(at('presenter', 'closed', true))).toBe(true);
    expect(mayViewResults('presenter', at('presenter', 'live'))).toBe(true);
    expect(mayViewResults('screen', at('presenter', 'live'))).toBe(false);
    expect(mayKnowPoll('attendee', at('live', 'draft'))).toBe(false);
    expect(mayKnowPoll('moderator', at('live', 'draft'))).toBe(true);
    expect(resultRoles(at('presenter', 'live'))).toEqual(['presenter', 'moderator', 'admin']);
  });

  it('[POLL24] a snapshot shows staff every poll with results; attendees launched polls, visible results and only their own votes', async () => {
    const me = await k.person({ mode: 'remote' });
    const other = await k.person();
    const mod = await k.person({ role: 'moderator' });
    const draft = await createPoll(k.deps, k.event.id, 'keynote', drafts.single());
    const live = await launched(drafts.single());
    const hidden = await launched(drafts.nps({ resultsVisibility: 'presenter' }));
    const open = await launched(drafts.open());
    await castVote(k.deps, k.event.id, me.id, live.id, { kind: 'single', optionId: 'o2' });
    await castVote(k.deps, k.event.id, other.id, live.id, { kind: 'single', optionId: 'o1' });
    await castVote(k.deps, k.event.id, other.id, hidden.id, { kind: 'nps', value: 4 });
    await castVote(k.deps, k.event.id, other.id, open.id, { kind: 'open', text: 'Pending idea' });

    const mine = await buildSnapshot(k.deps, me, k.event);
    expect(mine.polls.map((v) => [v.poll.id, v.results !== null])).toEqual([
      [live.id, true],
      [hidden.id, false],
      [open.id, true],
    ]);
    expect(mine.myVotes).toEqual({ [live.id]: { kind: 'single', optionId: 'o2' } });
    expect(mine.pollAnswers).toBeUndefined();
    expect(JSON.stringify(mine)).not.toContain('Pending idea');

    const staff = await buildSnapshot(k.deps, mod, k.event);
    expect(staff.polls.map((v) => [v.poll.id, v.results !== null])).toEqual([
      [draft.id, false],
      [live.id, true],
      [hidden.id, true],
      [open.id, true],
    ]);
    expect(staff.myVotes).toEqual({});
    expect(staff.pollAnswers?.map((a) => [a.text, a.status])).toEqual([['Pending idea', 'pending']]);

    await revealPoll(k.deps, k.event.id, hidden.id);
    expect((await buildSnapshot(k.deps, me, k.event)).polls.find((v) => v.poll.id === hidden.id)?.results).toMatchObject({ kind: 'nps', totals: { room: 1 } });
  });
});
